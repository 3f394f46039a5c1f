// Host paths a hotplug run touches. Each can be moved by an environment variable so the contract
// tests can run the real executable against a scratch directory; libxl sets none of them.
import { drbdToolsFrom, type DrbdTools } from '../drbd/tools';
export interface HostPaths {
  readonly lockDir: string;
  readonly hotplugLog: string;
  readonly ledgerDir: string;
  readonly procDrbd: string;
  readonly procMounts: string;
  readonly policy: string;
  /** Where DRBD's tools and device nodes are, moved only by tests. */
  readonly drbdTools: DrbdTools;
}

export function hostPaths(env: NodeJS.ProcessEnv): HostPaths {
  return {
    lockDir: env.XEN_HOTPLUG_LOCK_DIR ?? '/var/run/xen-hotplug',
    hotplugLog: env.XEN_HOTPLUG_LOG ?? '/var/log/xen/xen-hotplug.log',
    ledgerDir: env.XEN_DRBD_LEDGER_DIR ?? '/run/xen-drbd/promoted',
    procDrbd: env.XEN_DRBD_PROC_DRBD ?? '/proc/drbd',
    procMounts: '/proc/self/mounts',
    policy: env.XEN_DRBD_POLICY ?? '/etc/xen/xen-drbd.json',
    drbdTools: drbdToolsFrom(env),
  };
}
