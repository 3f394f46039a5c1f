// Host paths the driver touches. xapi runs it with PATH and ORIGINATOR only (docs/smapi.md §1), so in
// production every one is its default; the contract tests move them to a scratch directory and the
// XenAPI simulator through test seams (src/test-seams.ts), as src/hotplug/paths.ts does.
import { drbdToolsFrom, type DrbdTools } from '../drbd/tools';
import { testSeams } from '../test-seams';
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
  const seams = testSeams(env);
  return {
    xapiSocket: seams.xapiSocket ?? XAPI_SOCKET,
    procDrbd: seams.procDrbd ?? '/proc/drbd',
    drbdTools: drbdToolsFrom(env),
    lockDir: seams.smLockDir ?? '/var/lock/sm',
    backendDir: seams.smBackendDir ?? '/dev/sm/backend',
  };
}
