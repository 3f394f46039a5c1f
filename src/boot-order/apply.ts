// Writes a boot-order plan and takes it back. Before the first change to a file its original bytes
// and mode (or its absence) go to a backup directory with a manifest; --undo puts exactly those
// back and removes what did not exist. A second --apply keeps the first backup, so --undo always
// returns to the state before xen-drbd touched anything.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Change } from './plan';

export const BACKUP_DIR = '/var/lib/xen-drbd/boot-order';

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

const MANIFEST = 'manifest.json';

function readManifest(root: string): Manifest | undefined {
  const path = join(root, BACKUP_DIR, MANIFEST);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Manifest) : undefined;
}

export function hasBackup(root: string): boolean {
  return readManifest(root) !== undefined;
}

export function applyChanges(root: string, changes: readonly Change[]): void {
  const manifest: Manifest = readManifest(root) ?? { entries: [], createdDirs: [] };
  mkdirSync(join(root, BACKUP_DIR), { recursive: true });
  for (const c of changes) {
    const full = join(root, c.path);
    let mode = 0o644;
    if (!manifest.entries.some((e) => e.path === c.path)) {
      if (existsSync(full)) {
        const backup = `${manifest.entries.length}-${c.path.replace(/^.*\//, '')}`;
        writeFileSync(join(root, BACKUP_DIR, backup), readFileSync(full));
        mode = statSync(full).mode & 0o7777;
        manifest.entries.push({ path: c.path, backup, mode });
      } else {
        manifest.entries.push({ path: c.path });
        manifest.createdDirs.push(...missingDirs(root, dirname(c.path)));
      }
    }
    if (existsSync(full)) mode = statSync(full).mode & 0o7777;
    mkdirSync(dirname(full), { recursive: true });
    writeAtomically(full, c.after, mode);
    writeAtomically(join(root, BACKUP_DIR, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, 0o644);
  }
}

/** false when there is nothing to undo. */
export function undoChanges(root: string): boolean {
  const manifest = readManifest(root);
  if (manifest === undefined) return false;
  for (const e of manifest.entries) {
    const full = join(root, e.path);
    if (e.backup === undefined) rmSync(full, { force: true });
    else writeAtomically(full, readFileSync(join(root, BACKUP_DIR, e.backup)), e.mode ?? 0o644);
  }
  for (const e of manifest.entries) if (e.backup !== undefined) unlinkSync(join(root, BACKUP_DIR, e.backup));
  unlinkSync(join(root, BACKUP_DIR, MANIFEST));
  for (const d of [...manifest.createdDirs].reverse()) removeIfEmpty(join(root, d));
  removeIfEmpty(join(root, BACKUP_DIR));
  removeIfEmpty(join(root, dirname(BACKUP_DIR)));
  return true;
}

function removeIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty: something else was put there since; leave it
  }
}

function missingDirs(root: string, dir: string): string[] {
  const missing: string[] = [];
  for (let d = dir; d !== '/' && !existsSync(join(root, d)); d = dirname(d)) missing.unshift(d);
  return missing;
}

// A crash mid-write must not leave /etc/init.d/drbd half written.
function writeAtomically(path: string, data: string | Buffer, mode: number): void {
  const tmp = join(dirname(path), `.${path.replace(/^.*\//, '')}.xen-drbd-tmp`);
  writeFileSync(tmp, data, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, path);
}
