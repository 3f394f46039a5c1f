// Where DRBD's tools and device nodes are on a host. Tests move them to a DRBD stand-in through
// test seams (src/test-seams.ts); libxl and xapi set none.
import { testSeams } from '../test-seams';

export interface DrbdTools {
  /** Candidates for 8.4's drbdsetup, in order: drbd-utils 9 keeps it where its drbdadm hands off to. */
  readonly drbdsetup84: readonly string[];
  /** Where the kernel's drbdN device nodes are. */
  readonly devDir: string;
}

export const DRBD_TOOLS: DrbdTools = { drbdsetup84: ['/lib/drbd/drbdsetup-84', '/usr/lib/drbd/drbdsetup-84'], devDir: '/dev' };

export function drbdToolsFrom(env: NodeJS.ProcessEnv): DrbdTools {
  const seams = testSeams(env);
  return {
    drbdsetup84: seams.drbdsetup84 === undefined ? DRBD_TOOLS.drbdsetup84 : [seams.drbdsetup84],
    devDir: seams.devDir ?? DRBD_TOOLS.devDir,
  };
}
