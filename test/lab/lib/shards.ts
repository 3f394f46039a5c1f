// The suite in shards that run at once, each in its own jest process with its own labs. A lab
// keeps one of the runner's cores busy only while a guest boots or moves; the rest of the time
// its dom0s wait on each other or on DRBD, so two labs at once finish sooner than one after the
// other (test/lab/README.md, "Shards"). Files that share a kind of lab stay in one shard, so
// sharding costs no boot the sequential suite does not pay. Pure.

export interface SuiteFile {
  readonly path: string;
  /** The kind of lab it needs (scenario-kinds.cjs): files of one kind share a lab. */
  readonly labKind: string;
}

/**
 * Splits the files, given in suite order, into at most `n` shards: every kind of lab whole in one
 * shard, the kinds with the most files placed first, each on the shard with the fewest files so
 * far (files are the only cost known before a run). Each shard keeps the suite's order.
 */
export function planShards(files: readonly SuiteFile[], n: number): string[][] {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`LAB_SHARDS must be a whole number ≥ 1, not ${n}`);
  const kinds = new Map<string, string[]>();
  for (const f of files) kinds.set(f.labKind, [...(kinds.get(f.labKind) ?? []), f.path]);
  const shards: string[][] = Array.from({ length: Math.min(n, kinds.size) }, () => []);
  const bySize = [...kinds.values()].sort((a, b) => b.length - a.length);
  for (const kind of bySize) {
    const smallest = shards.reduce((min, s) => (s.length < min.length ? s : min));
    smallest.push(...kind);
  }
  const order = new Map(files.map((f, i) => [f.path, i]));
  return shards.map((s) => [...s].sort((a, b) => order.get(a)! - order.get(b)!));
}
