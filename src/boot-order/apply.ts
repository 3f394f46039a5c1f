// Writes a boot-order plan and takes it back. Before the first change to a file its original bytes
// and mode (or its absence) go to a backup directory with a manifest; --undo puts exactly those
// back and removes what did not exist. A second --apply keeps the first backup, so --undo always
// returns to the state before xen-drbd touched anything.
// Everything is resolved inside the root (src/fs/inside-root.ts), and the manifest, which anyone
// who can write the root could have crafted, is checked before it is believed: only the files
// boot-order manages, backup names it writes, permission bits.
import { lstatSync, readFileSync, rmdirSync, rmSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  checkLiveStateDir,
  entryUnderRoot,
  isCleanAbsolute,
  isMissing,
  makeDirsUnderRoot,
  readStateJson,
  underRoot,
} from '../fs/inside-root';
import { permissionBits, readNoFollow, replaceFile } from '../fs/no-follow';
import { DROP_IN_PATH } from './dropin';
import type { Change } from './plan';

export const BACKUP_DIR = '/var/lib/xen-drbd/boot-order';

/** Every file a boot-order plan can change (plan.ts). */
const MANAGED = ['/etc/init.d/drbd', DROP_IN_PATH];

interface ManifestEntry {
  readonly path: string;
  /** The backup copy's name in the backup directory; absent when the file did not exist. */
  readonly backup?: string;
  readonly mode?: number;
}

interface Manifest {
  readonly entries: ManifestEntry[];
  /** Directories --apply created (deepest last), removed again by --undo when empty. */
  readonly createdDirs: string[];
}

const MANIFEST = `${BACKUP_DIR}/manifest.json`;
// An init script or a drop-in is a few KiB; a backup far bigger is not one of ours.
const MAX_BACKUP_BYTES = 16 * 1024 * 1024;

function readManifest(root: string): Manifest | undefined {
  const found = readStateJson(root, BACKUP_DIR, MANIFEST, MAX_BACKUP_BYTES);
  return found === undefined ? undefined : checkManifest(found.data, found.path);
}

/** The manifest as --apply writes it, or an error naming the first thing that is not. */
export function checkManifest(data: unknown, file: string): Manifest {
  const m = data as Partial<Manifest> | null;
  if (typeof m !== 'object' || m === null || !Array.isArray(m.entries) || !Array.isArray(m.createdDirs)) {
    throw new Error(`${file}: is not a boot-order manifest ({"entries": [...], "createdDirs": [...]})`);
  }
  m.entries.forEach((e: Partial<ManifestEntry> | null, i) => {
    const bad = (what: string) => new Error(`${file}: entry ${i}: ${what}`);
    if (typeof e !== 'object' || e === null) throw bad('is not an object');
    if (typeof e.path !== 'string' || !MANAGED.includes(e.path))
      throw bad(`path ${JSON.stringify(e.path)} is not a file boot-order manages (${MANAGED.join(', ')})`);
    if (e.backup !== undefined && (typeof e.backup !== 'string' || !/^\d+-[^/\0]+$/.test(e.backup))) {
      throw bad(`backup ${JSON.stringify(e.backup)} is not a backup name boot-order writes (N-NAME)`);
    }
    if (e.mode !== undefined && !(Number.isInteger(e.mode) && e.mode >= 0 && e.mode <= 0o7777))
      throw bad(`mode ${JSON.stringify(e.mode)} is not a file mode`);
  });
  m.createdDirs.forEach((d: unknown, i) => {
    if (typeof d !== 'string' || !isCleanAbsolute(d) || d === '/')
      throw new Error(`${file}: createdDirs[${i}]: ${JSON.stringify(d)} is not a clean absolute path`);
  });
  return m as Manifest;
}

export function hasBackup(root: string): boolean {
  return readManifest(root) !== undefined;
}

export function applyChanges(root: string, changes: readonly Change[]): void {
  const manifest: Manifest = readManifest(root) ?? { entries: [], createdDirs: [] };
  manifest.createdDirs.push(...makeDirsUnderRoot(root, BACKUP_DIR));
  checkLiveStateDir(root, BACKUP_DIR);
  for (const c of changes) {
    const full = entryUnderRoot(root, c.path);
    manifest.createdDirs.push(...makeDirsUnderRoot(root, dirname(c.path)));
    const existing = modeOf(full);
    if (!manifest.entries.some((e) => e.path === c.path)) {
      if (existing !== undefined) {
        const backup = `${manifest.entries.length}-${c.path.replace(/^.*\//, '')}`;
        // Read as the host at root reads it (observe.ts did the same to plan the change).
        replaceFile(entryUnderRoot(root, `${BACKUP_DIR}/${backup}`), readFileSync(underRoot(root, c.path)), 0o600);
        manifest.entries.push({ path: c.path, backup, mode: existing });
      } else {
        manifest.entries.push({ path: c.path });
      }
    }
    replaceFile(full, c.after, existing ?? 0o644);
    replaceFile(entryUnderRoot(root, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, 0o644);
  }
}

/** false when there is nothing to undo. */
export function undoChanges(root: string): boolean {
  const manifest = readManifest(root);
  if (manifest === undefined) return false;
  for (const e of manifest.entries) {
    const full = entryUnderRoot(root, e.path);
    if (e.backup === undefined) rmSync(full, { force: true });
    else replaceFile(full, readNoFollow(entryUnderRoot(root, `${BACKUP_DIR}/${e.backup}`), MAX_BACKUP_BYTES), e.mode ?? 0o644);
  }
  for (const e of manifest.entries) if (e.backup !== undefined) unlinkSync(entryUnderRoot(root, `${BACKUP_DIR}/${e.backup}`));
  unlinkSync(entryUnderRoot(root, MANIFEST));
  for (const d of [...manifest.createdDirs].reverse()) removeIfEmpty(entryUnderRoot(root, d));
  // Manifests of earlier versions did not record the backup directory.
  for (const d of [BACKUP_DIR, dirname(BACKUP_DIR)]) removeIfEmpty(entryUnderRoot(root, d));
  return true;
}

/** Permission bits of what is at `full` (a link itself is not followed), undefined when nothing is. */
function modeOf(full: string): number | undefined {
  try {
    const st = lstatSync(full);
    return st.isSymbolicLink() ? 0o644 : permissionBits(st.mode);
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw e;
  }
}

function removeIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty: something else was put there since; leave it
  }
}
