// Host paths the driver touches. xapi runs it with PATH and ORIGINATOR only (docs/smapi.md §1), so in
// production every one is its default; the variables exist so the contract tests can run the built
// driver against a scratch directory and the XenAPI simulator, as src/hotplug/paths.ts does.
import { drbdToolsFrom, type DrbdTools } from '../drbd/tools';
import { XAPI_SOCKET } from './xapi-rpc';

export interface SmPaths {
  readonly xapiSocket: string;
  readonly procDrbd: string;
  readonly drbdTools: DrbdTools;
  /** Per-SR lock files live in <lockDir>/<sr_uuid>/sr, stock sm's place (xcp-ng/sm lock.py). */
  readonly lockDir: string;
  /** tapdisk nodes for xenopsd: <backendDir>/<sr_uuid>/<vdi_uuid>, blktap2's place. */
  readonly backendDir: string;
}

export function smPaths(env: NodeJS.ProcessEnv): SmPaths {
  return {
    xapiSocket: env.XEN_DRBD_XAPI_SOCKET ?? XAPI_SOCKET,
    procDrbd: env.XEN_DRBD_PROC_DRBD ?? '/proc/drbd',
    drbdTools: drbdToolsFrom(env),
    lockDir: env.XEN_DRBD_SM_LOCK_DIR ?? '/var/lock/sm',
    backendDir: env.XEN_DRBD_SM_BACKEND_DIR ?? '/dev/sm/backend',
  };
}
