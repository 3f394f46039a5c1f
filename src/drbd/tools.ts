// Where DRBD's tools and device nodes are on a host. The variables exist for tests, which run the
// built executables against a DRBD stand-in; libxl and xapi set none of them.

export interface DrbdTools {
  /** Candidates for 8.4's drbdsetup, in order: drbd-utils 9 keeps it where its drbdadm hands off to. */
  readonly drbdsetup84: readonly string[];
  /** Where the kernel's drbdN device nodes are. */
  readonly devDir: string;
}

export const DRBD_TOOLS: DrbdTools = { drbdsetup84: ['/lib/drbd/drbdsetup-84', '/usr/lib/drbd/drbdsetup-84'], devDir: '/dev' };

export function drbdToolsFrom(env: NodeJS.ProcessEnv): DrbdTools {
  return {
    drbdsetup84: env.XEN_DRBD_DRBDSETUP84 === undefined ? DRBD_TOOLS.drbdsetup84 : [env.XEN_DRBD_DRBDSETUP84],
    devDir: env.XEN_DRBD_DEV_DIR ?? DRBD_TOOLS.devDir,
  };
}
