// Builds, reads back and removes the start-up snapshots (the effect layer of src/startup-snapshot).
// Root runs this from the packages' postinst and their trigger on node: every directory is checked
// to be root's own before anything is linked into it, the bundle must be ours, and a snapshot is
// published only after node has run it and given the same answer as the plain bundle. The bundle's
// hard link goes in last and comes out first, so a build stopped anywhere leaves the launcher
// starting the plain bundle.
import {
  closeSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { succeeded, type CommandResult, type Runner } from '../exec/run';
import { whyNotUsed, type FileId } from './freshness';
import { launcherDirectory, SNAPSHOT_FILES, SNAPSHOT_NODE, SNAPSHOT_ROOT } from './layout';
import { libnodeIn, type SnapshotTarget } from './targets';

/** Bounds for node under a loaded TCG lab host, where one start takes 2-3 s. */
const BUILD_TIMEOUT_MS = 120_000;
const RUN_TIMEOUT_MS = 60_000;

export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
}

export interface Places {
  /** SNAPSHOT_ROOT, moved by tests. */
  readonly root: string;
  /** SNAPSHOT_NODE. */
  readonly node: string;
}

export const HOST_PLACES: Places = { root: SNAPSHOT_ROOT, node: SNAPSHOT_NODE };

const dirOf = (places: Places, t: SnapshotTarget) => join(places.root, t.name);

/** Builds, checks and publishes `t`'s snapshot; returns how long node took to build it. */
export async function buildSnapshot(t: SnapshotTarget, places: Places, run: Runner): Promise<{ buildMs: number; blobBytes: number }> {
  const bundle = ourBundle(t.path, dirOf(places, t));
  const node = realpathSync(places.node);
  const libnode = await libnodeOf(node, run);
  const dir = ownDirectory(places.root, t.name);
  unpublish(dir);

  const blob = join(dir, `.${SNAPSHOT_FILES.blob}.new`);
  rmSync(blob, { force: true });
  const built = await run([places.node, '--snapshot-blob', blob, '--build-snapshot', bundle], { timeoutMs: BUILD_TIMEOUT_MS });
  if (!succeeded(built)) throw new SnapshotError(`node could not build it: ${outcome(built)}`);

  // The check: the snapshot must start and answer --help exactly as the plain bundle does (the
  // libvirt hook answers on stderr, with exit 1: it is never run by hand).
  const [plain, fromSnapshot] = await Promise.all([
    run([places.node, bundle, '--help'], { timeoutMs: RUN_TIMEOUT_MS }),
    run([places.node, '--snapshot-blob', blob, bundle, '--help'], { timeoutMs: RUN_TIMEOUT_MS }),
  ]);
  const answer = (r: CommandResult) => JSON.stringify([r.exitCode, r.signal, r.stdout, r.stderr]);
  if (plain.stdout + plain.stderr === '' || plain.timedOut || answer(plain) !== answer(fromSnapshot)) {
    rmSync(blob, { force: true });
    throw new SnapshotError(
      `the snapshot does not answer --help as the bundle does (bundle: ${outcome(plain)}; snapshot: ${outcome(fromSnapshot)})`,
    );
  }

  renameSync(blob, join(dir, SNAPSHOT_FILES.blob));
  linkInto(dir, SNAPSHOT_FILES.node, node);
  linkInto(dir, SNAPSHOT_FILES.libnode, libnode ?? node);
  symlinkInto(dir, SNAPSHOT_FILES.libnodePath, libnode ?? node);
  linkInto(dir, SNAPSHOT_FILES.script, bundle); // last: from here on the launcher uses the snapshot

  const why = notUsedBecause(t, places);
  if (why !== undefined) throw new SnapshotError(`built, but the launcher would not use it: ${why}`);
  return { buildMs: built.durationMs, blobBytes: statSync(join(dir, SNAPSHOT_FILES.blob)).size };
}

/** undefined when `t`'s launcher starts from its snapshot, else why not. */
export function notUsedBecause(t: SnapshotTarget, places: Places): string | undefined {
  const dir = dirOf(places, t);
  const f = SNAPSHOT_FILES;
  return whyNotUsed(
    {
      blob: idOf(join(dir, f.blob)),
      script: idOf(join(dir, f.script)),
      node: idOf(join(dir, f.node)),
      libnode: idOf(join(dir, f.libnode)),
      libnodePath: idOf(join(dir, f.libnodePath)),
    },
    { bundle: idOf(t.path), node: idOf(places.node) },
  );
}

/** Takes `t`'s snapshot away (the launcher falls back to the plain bundle at once). */
export function removeSnapshot(t: SnapshotTarget, places: Places): boolean {
  const dir = dirOf(places, t);
  const st = lstatOrUndefined(dir);
  if (st === undefined) return false;
  if (!st.isDirectory()) throw new SnapshotError(`${dir} is not a directory; not touching it`);
  unpublish(dir);
  rmSync(dir, { recursive: true }); // unlinks symlinks, never follows them
  return true;
}

export function isInstalled(t: SnapshotTarget): boolean {
  return lstatOrUndefined(t.path) !== undefined;
}

/**
 * The bundle's real path, once it is known to be one of ours, root's, not writable by others, and
 * with a launcher that looks for its snapshot in `dir`.
 */
function ourBundle(path: string, dir: string): string {
  const real = realpathSync(path);
  const st = statSync(real);
  if (!st.isFile()) throw new SnapshotError(`${real} is not a regular file`);
  if (st.uid !== process.getuid?.() || (st.mode & 0o022) !== 0)
    throw new SnapshotError(`${real} must belong to the user running this and be writable by no one else`);
  const head = Buffer.alloc(1024);
  const fd = openSync(real, 'r');
  let n: number;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const looksIn = launcherDirectory(head.subarray(0, n).toString('utf8'));
  if (looksIn === undefined) throw new SnapshotError(`${real} is not a xen-drbd bundle`);
  if (looksIn !== dir) throw new SnapshotError(`${real} looks for its snapshot in ${looksIn}, not ${dir}`);
  return real;
}

/** libnode as `node` maps it: from our own maps when we are that node, else from a node started to tell. */
async function libnodeOf(node: string, run: Runner): Promise<string | undefined> {
  let maps: string;
  if (realpathSync(process.execPath) === node) {
    maps = readFileSync('/proc/self/maps', 'utf8');
  } else {
    const r = await run([node, '-e', "process.stdout.write(require('fs').readFileSync('/proc/self/maps', 'utf8'))"], {
      timeoutMs: RUN_TIMEOUT_MS,
    });
    if (!succeeded(r)) throw new SnapshotError(`${node} could not say which libnode it uses: ${outcome(r)}`);
    maps = r.stdout;
  }
  const lib = libnodeIn(maps);
  return lib === undefined ? undefined : realpathSync(lib);
}

/**
 * `root`/`name`, created if absent, level by level from root's parent: each must be a real directory
 * of ours that nobody else can write, checked before anything is created in it.
 */
function ownDirectory(root: string, name: string): string {
  const dir = join(root, name);
  for (const d of [dirname(root), root, dir]) {
    if (lstatOrUndefined(d) === undefined) mkdirSync(d, { mode: 0o755 });
    const st = lstatSync(d);
    if (!st.isDirectory()) throw new SnapshotError(`${d} is not a directory (a symlink?); not using it`);
    if (st.uid !== process.getuid?.() || (st.mode & 0o022) !== 0)
      throw new SnapshotError(`${d} must belong to the user running this and be writable by no one else`);
  }
  return dir;
}

function unpublish(dir: string): void {
  rmSync(join(dir, SNAPSHOT_FILES.script), { force: true });
}

function linkInto(dir: string, name: string, target: string): void {
  const tmp = join(dir, `.${name}.new`);
  rmSync(tmp, { force: true });
  try {
    linkSync(target, tmp);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EXDEV')
      throw new SnapshotError(`${target} is on another file system than ${dir}: the launcher needs hard links to it`);
    throw e;
  }
  renameSync(tmp, join(dir, name));
}

function symlinkInto(dir: string, name: string, target: string): void {
  const tmp = join(dir, `.${name}.new`);
  rmSync(tmp, { force: true });
  symlinkSync(target, tmp);
  renameSync(tmp, join(dir, name));
}

function idOf(path: string): FileId | undefined {
  try {
    const st = statSync(path);
    return { dev: st.dev, ino: st.ino, mtimeMs: st.mtimeMs };
  } catch {
    return undefined;
  }
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function outcome(r: CommandResult): string {
  const status = r.timedOut ? 'timed out' : r.signal !== null ? `killed by ${r.signal}` : `exit ${r.exitCode}`;
  const err = r.stderr.trim().split('\n').slice(-2).join(' ');
  return err === '' ? status : `${status}: ${err}`;
}
