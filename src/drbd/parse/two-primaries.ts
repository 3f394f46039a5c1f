// allow-two-primaries as DRBD prints a configuration: `drbdadm dump` (the config files) and
// `drbdsetup show` (the running resource, where a runtime switch shows) spell it alike.

/** Whether the printed configuration says allow-two-primaries yes. */
export function allowsTwoPrimaries(text: string): boolean {
  return /^\s*allow-two-primaries\s+yes\s*;/m.test(text);
}
