// `drbdsetup show RES`: the running configuration, which is where a runtime
// `net-options --allow-two-primaries=yes` shows (the config file does not change).

export function twoPrimariesRunning(show: string): boolean {
  return /^\s*allow-two-primaries\s+yes\s*;/m.test(show);
}

/** `drbdadm sh-resources`: every resource configured for this host, space-separated. */
export function parseShResources(stdout: string): string[] {
  return stdout.split(/\s+/).filter((n) => n !== '');
}
