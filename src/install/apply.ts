// The thin file-system side of `xen-drbd install`/`uninstall`: observes a root, runs the steps
// steps.ts decided, and keeps the manifest that lets uninstall undo exactly what install did.
// Every path is resolved inside the root (src/fs/inside-root.ts); the manifest, which anyone who
// can write the root could have crafted, is checked before it is believed.
import { randomBytes } from 'node:crypto';
import { lstatSync, renameSync, rmdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkLiveStateDir, entryUnderRoot, isCleanAbsolute, makeDirsUnderRoot, readStateJson } from '../fs/inside-root';
import { replaceFile } from '../fs/no-follow';
import { contentOf, type Origin } from './content';
import { installPlan, type PlanEntry } from './plan';
import { KEPT_SUFFIX, type InstallObserved, type Manifest, type ManifestEntry, type PathKind, type Step } from './steps';

export const STATE_DIR = '/var/lib/xen-drbd/install';
const MANIFEST = `${STATE_DIR}/manifest.json`;
const MAX_MANIFEST_BYTES = 1024 * 1024;

export function readManifest(root: string): Manifest | undefined {
  const found = readStateJson(root, STATE_DIR, MANIFEST, MAX_MANIFEST_BYTES);
  return found === undefined ? undefined : checkManifest(found.data, found.path);
}

/** Every file some layout installs: all a manifest may name. */
const INSTALLED = new Set([...installPlan('debian'), ...installPlan('xcp-ng')].map((e) => e.path));

/** The manifest as install writes it, or an error naming the first thing that is not. */
export function checkManifest(data: unknown, file: string): Manifest {
  const m = data as Partial<Manifest> | null;
  if (
    typeof m !== 'object' ||
    m === null ||
    (m.layout !== 'debian' && m.layout !== 'xcp-ng') ||
    !Array.isArray(m.entries) ||
    !Array.isArray(m.createdDirs)
  ) {
    throw new Error(`${file}: is not an install manifest ({"layout": "debian"|"xcp-ng", "entries": [...], "createdDirs": [...]})`);
  }
  m.entries.forEach((e: Partial<ManifestEntry> | null, i) => {
    const bad = (what: string) => new Error(`${file}: entry ${i}: ${what}`);
    if (typeof e !== 'object' || e === null) throw bad('is not an object');
    if (typeof e.path !== 'string' || !INSTALLED.has(e.path)) throw bad(`path ${JSON.stringify(e.path)} is not a file xen-drbd installs`);
    if (e.kept !== undefined && e.kept !== e.path + KEPT_SUFFIX) throw bad(`kept ${JSON.stringify(e.kept)} is not ${e.path + KEPT_SUFFIX}`);
  });
  m.createdDirs.forEach((d: unknown, i) => {
    if (typeof d !== 'string' || !isCleanAbsolute(d) || d === '/')
      throw new Error(`${file}: createdDirs[${i}]: ${JSON.stringify(d)} is not a clean absolute path`);
  });
  return m as Manifest;
}

function pathKind(full: string): PathKind {
  try {
    const st = lstatSync(full);
    if (st.isSymbolicLink()) return 'symlink';
    if (st.isFile()) return 'file';
    return st.isDirectory() ? 'directory' : 'other';
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw e;
  }
}

export function observeInstall(root: string): InstallObserved {
  return { kind: (path) => pathKind(entryUnderRoot(root, path)), manifest: readManifest(root) };
}

/** Runs the steps of an install; `manifest` is what installSteps decided, saved once all is done. */
export function runInstall(root: string, steps: readonly Step[], manifest: Manifest, origin: Origin): void {
  const createdDirs = [...manifest.createdDirs];
  const ensureDir = (dir: string) => createdDirs.push(...makeDirsUnderRoot(root, dir));
  for (const step of steps) {
    if (step.kind === 'put') {
      ensureDir(dirname(step.entry.path));
      put(root, step.entry, origin);
    } else {
      runMoveStep(root, step);
    }
  }
  ensureDir(STATE_DIR);
  checkLiveStateDir(root, STATE_DIR);
  replaceFile(entryUnderRoot(root, MANIFEST), `${JSON.stringify({ ...manifest, createdDirs }, null, 2)}\n`, 0o644);
}

export function runUninstall(root: string, steps: readonly Step[], manifest: Manifest): void {
  for (const step of steps) runMoveStep(root, step);
  rmSync(entryUnderRoot(root, MANIFEST));
  for (const d of [STATE_DIR, ...[...manifest.createdDirs].reverse()]) removeIfEmpty(entryUnderRoot(root, d));
}

function runMoveStep(root: string, step: Step): void {
  switch (step.kind) {
    case 'keep':
      renameSync(entryUnderRoot(root, step.path), entryUnderRoot(root, step.to));
      return;
    case 'remove':
      rmSync(entryUnderRoot(root, step.path), { force: true });
      return;
    case 'restore':
      renameSync(entryUnderRoot(root, step.from), entryUnderRoot(root, step.path));
      return;
    case 'put':
      throw new Error(`an uninstall has no 'put' step (${step.entry.path})`);
    default:
      step satisfies never;
  }
}

// Written beside the target and renamed over it: a running block-drbd never sees half a file.
function put(root: string, entry: PlanEntry, origin: Origin): void {
  const full = entryUnderRoot(root, entry.path);
  const content = contentOf(entry, origin);
  if (content.kind === 'symlink') {
    // symlink(2) never follows or reuses what is at its path: a fresh name, renamed over ours.
    const tmp = join(dirname(full), `.${entry.path.replace(/^.*\//, '')}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    symlinkSync(content.target, tmp);
    renameSync(tmp, full);
  } else {
    replaceFile(full, content.bytes, entry.mode);
  }
}

function removeIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty (something else lives there) or already gone: leave it
  }
}
