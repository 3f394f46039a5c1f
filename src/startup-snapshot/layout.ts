// Where the V8 start-up snapshots live and how an executable decides, before node starts, whether
// its snapshot may be used. Pure: read by the build (tsup.config.ts writes the launcher into every
// bundle), by `xen-drbd startup-snapshot` and by `xen-drbd check`.
//
// Each bundle is a shell/JavaScript polyglot. sh runs its first two lines; node skips the #! line
// and reads the second as a string and a comment. The shell part starts node on the snapshot only
// when everything the snapshot was built from is still what is installed:
// - `script`: a hard link to the bundle the snapshot was made of, the same inode as "$0";
// - `node`, `libnode`: hard links to the node binary and its libnode, the same inodes as the live
//   files (`libnode.path` is a symlink to the live libnode, since sh cannot read a path into a
//   variable without a fork);
// - the bundle not modified after the blob was written.
// dpkg and rpm replace a file by renaming a new one over it, so any upgrade of nodejs, libnode or
// xen-drbd gives the live path a new inode and the test fails: node then starts on the plain bundle,
// as it would without a snapshot. This matters because node does not refuse a blob it cannot use:
// Debian's nodejs 18 dies of SIGSEGV on a truncated one, and a hotplug script that dies fails every
// VM start (bench/results/startup-side-by-side.md). Every test is a dash builtin: no process is
// started to decide.

/** Where `xen-drbd startup-snapshot` keeps one directory per executable (like the gdk-pixbuf and gio
 * module caches, a cache under /usr/lib rebuilt by a trigger). On the same file system as node and
 * the bundles, since it holds hard links to them. */
export const SNAPSHOT_ROOT = '/usr/lib/xen-drbd/startup-snapshot';
/** The node that snapshots are built for and started with. */
export const SNAPSHOT_NODE = '/usr/bin/node';

/** The names inside an executable's snapshot directory. */
export const SNAPSHOT_FILES = {
  blob: 'blob',
  script: 'script',
  node: 'node',
  libnode: 'libnode',
  libnodePath: 'libnode.path',
} as const;

/** Replaced by each bundle's own name when the build finishes (scripts/finish-build.cjs). */
export const NAME_PLACEHOLDER = '@EXECUTABLE@';

/** The polyglot head of every bundle (tsup's banner), with NAME_PLACEHOLDER for its name. */
export function launcherBanner(): string {
  const d = `${SNAPSHOT_ROOT}/${NAME_PLACEHOLDER}`;
  const f = SNAPSHOT_FILES;
  const same = [
    `[ "$d/${f.script}" -ef "$0" ]`,
    `[ ! "$0" -nt "$d/${f.blob}" ]`,
    `[ "$d/${f.node}" -ef ${SNAPSHOT_NODE} ]`,
    `[ "$d/${f.libnode}" -ef "$d/${f.libnodePath}" ]`,
  ].join(' && ');
  return [
    '#!/bin/sh',
    `":" //; d=${d}; ${same} && exec ${SNAPSHOT_NODE} --snapshot-blob "$d/${f.blob}" "$0" "$@"; exec node "$0" "$@"`,
  ].join('\n');
}

/** The snapshot directory a bundle's launcher looks in; undefined for a file that is not one of our bundles. */
export function launcherDirectory(text: string): string | undefined {
  const [first, second] = text.split('\n', 2);
  if (first !== '#!/bin/sh') return undefined;
  return /^":" \/\/; d=(\/[^;"$ ]+); \[/.exec(second ?? '')?.[1];
}

/** Whether a file's text is one of our bundles (xen-drbd's block-drbd, hook, driver...). */
export function isOurBundle(text: string): boolean {
  return launcherDirectory(text) !== undefined;
}
