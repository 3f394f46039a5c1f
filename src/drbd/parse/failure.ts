// What a failed drbdadm/drbdsetup said, as a kind the flow can act on. The message text is kept
// verbatim for the admin; the kind only steers retries.

export type DrbdFailureKind =
  | 'held-open' // (-12) Device is held open by someone: blkback may still be letting go
  | 'two-primaries' // (-1) Multiple primaries not allowed by config
  | 'no-uptodate-data' // (-2) Need access to UpToDate data
  | 'peer-not-outdated' // (-7) Refusing to be Primary while peer is not outdated
  | 'not-defined' // 'r0' not defined in your config (for this host).
  | 'no-module' // kernel module missing
  | 'timed-out' // stopped at its time limit: DRBD may still complete what it asked for
  | 'not-applied' // the command exited 0, yet reading the state back shows the change did not happen
  | 'other';

const PATTERNS: ReadonlyArray<readonly [RegExp, DrbdFailureKind]> = [
  [/\(-12\)|held open by someone/, 'held-open'],
  [/\(-1\) |Multiple primaries not allowed/, 'two-primaries'],
  [/\(-2\) |Need access to UpToDate data/, 'no-uptodate-data'],
  [/\(-7\) |peer is not outdated/, 'peer-not-outdated'],
  [/not defined in your config/, 'not-defined'],
  [/Failed to modprobe drbd|Module drbd not found in directory/, 'no-module'],
];

export function classifyFailure(stderr: string): DrbdFailureKind {
  for (const [pattern, kind] of PATTERNS) if (pattern.test(stderr)) return kind;
  return 'other';
}

/** The lines of drbdadm's stderr worth showing an admin: modinfo noise dropped. */
export function meaningfulLines(stderr: string): string {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('modinfo: ERROR'))
    .join('; ');
}
