// Host paths a hotplug run touches. The contract tests move each into a scratch directory through
// a test seam (src/test-seams.ts); libxl sets none.
import { dirname, join } from 'node:path';
import { drbdToolsFrom, type DrbdTools } from '../drbd/tools';
import { testSeams } from '../test-seams';
export interface HostPaths {
  readonly lockDir: string;
  readonly hotplugLog: string;
  /** The libvirt hook's own log: libvirt hosts without Xen have no /var/log/xen. */
  readonly hookLog: string;
  readonly ledgerDir: string;
  /** The libvirt hook's marks of announced incoming migrations, beside the ledger. */
  readonly incomingDir: string;
  readonly procDrbd: string;
  readonly procMounts: string;
  readonly policy: string;
  /** Where DRBD's tools and device nodes are, moved only by tests. */
  readonly drbdTools: DrbdTools;
}

export function hostPaths(env: NodeJS.ProcessEnv): HostPaths {
  const seams = testSeams(env);
  const ledgerDir = seams.ledgerDir ?? '/run/xen-drbd/promoted';
  return {
    lockDir: seams.hotplugLockDir ?? '/var/run/xen-hotplug',
    hotplugLog: seams.hotplugLog ?? '/var/log/xen/xen-hotplug.log',
    hookLog: seams.hookLog ?? '/var/log/libvirt/xen-drbd-hook.log',
    ledgerDir,
    incomingDir: join(dirname(ledgerDir), 'incoming'),
    procDrbd: seams.procDrbd ?? '/proc/drbd',
    procMounts: '/proc/self/mounts',
    policy: seams.policy ?? '/etc/xen/xen-drbd.json',
    drbdTools: drbdToolsFrom(env),
  };
}
