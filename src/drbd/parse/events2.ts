// `drbdsetup events2 RES` (DRBD 9): first one `exists …` line per object and `exists -` once the
// current state is told, then a line per event as it happens. A watch needs to know only when the
// state has been told and when it changes; the state itself is read from `status --json`. Pure.

export type Events2Line = 'state-told' | 'state-changed' | 'other';

export function classifyEvents2Line(line: string): Events2Line {
  if (line === 'exists -') return 'state-told';
  // An object changed, appeared (a connection, a peer device) or went away; `call`/`response`
  // lines report helpers (fence-peer and the like), whose effect arrives as a change. `- skipped N`:
  // drbdsetup lost N events (the kernel's queue overflowed), so the state may have changed unseen.
  if (/^(change|create|destroy) /.test(line) || /^- skipped \d+$/.test(line)) return 'state-changed';
  return 'other';
}
