// Whether an executable's launcher would start node on its snapshot: the launcher's tests
// (layout.ts), read back in JavaScript from the same files so that `xen-drbd startup-snapshot`
// can say after a build that the snapshot is in use, or why not. Pure over the stat results.

/** What stat(2) says of one path (following symlinks, as test(1)'s -ef and -nt do). */
export interface FileId {
  readonly dev: number;
  readonly ino: number;
  readonly mtimeMs: number;
}

export interface SnapshotFiles {
  readonly blob?: FileId;
  readonly script?: FileId;
  readonly node?: FileId;
  readonly libnode?: FileId;
  readonly libnodePath?: FileId;
}

export interface LiveFiles {
  /** The bundle as the launcher's "$0" finds it. */
  readonly bundle?: FileId;
  /** The node the launcher starts (layout.ts SNAPSHOT_NODE). */
  readonly node?: FileId;
}

const same = (a: FileId | undefined, b: FileId | undefined): boolean =>
  a !== undefined && b !== undefined && a.dev === b.dev && a.ino === b.ino;

/** undefined when the launcher starts from the snapshot, else the first reason it does not. */
export function whyNotUsed(snap: SnapshotFiles, live: LiveFiles): string | undefined {
  if (snap.blob === undefined) return 'there is no snapshot';
  if (!same(snap.script, live.bundle)) return 'the bundle is not the one the snapshot was made of';
  if (live.bundle !== undefined && live.bundle.mtimeMs > snap.blob.mtimeMs) return 'the bundle was modified after the snapshot';
  if (!same(snap.node, live.node)) return 'node is not the one the snapshot was built with';
  if (!same(snap.libnode, snap.libnodePath)) return 'libnode is not the one the snapshot was built with';
  return undefined;
}
