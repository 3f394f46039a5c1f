// The thin file-system side of `xen-drbd install`/`uninstall`: observes a root, runs the steps
// steps.ts decided, and keeps the manifest that lets uninstall undo exactly what install did.
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { contentOf, type Origin } from './content';
import type { PlanEntry } from './plan';
import type { InstallObserved, Manifest, PathKind, Step } from './steps';

export const STATE_DIR = '/var/lib/xen-drbd/install';
const MANIFEST = `${STATE_DIR}/manifest.json`;

export function readManifest(root: string): Manifest | undefined {
  const path = join(root, MANIFEST);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Manifest) : undefined;
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
  return { kind: (path) => pathKind(join(root, path)), manifest: readManifest(root) };
}

/** Runs the steps of an install; `manifest` is what installSteps decided, saved once all is done. */
export function runInstall(root: string, steps: readonly Step[], manifest: Manifest, origin: Origin): void {
  const createdDirs = [...manifest.createdDirs];
  const ensureDir = (dir: string) => {
    for (const d of missingDirs(root, dir)) {
      mkdirSync(join(root, d));
      createdDirs.push(d);
    }
  };
  for (const step of steps) {
    if (step.kind === 'put') {
      ensureDir(dirname(step.entry.path));
      put(root, step.entry, origin);
    } else {
      runMoveStep(root, step);
    }
  }
  ensureDir(STATE_DIR);
  writeAtomically(join(root, MANIFEST), `${JSON.stringify({ ...manifest, createdDirs }, null, 2)}\n`, 0o644);
}

export function runUninstall(root: string, steps: readonly Step[], manifest: Manifest): void {
  for (const step of steps) runMoveStep(root, step);
  rmSync(join(root, MANIFEST));
  for (const d of [STATE_DIR, ...[...manifest.createdDirs].reverse()]) removeIfEmpty(join(root, d));
}

function runMoveStep(root: string, step: Step): void {
  switch (step.kind) {
    case 'keep':
      renameSync(join(root, step.path), join(root, step.to));
      return;
    case 'remove':
      rmSync(join(root, step.path), { force: true });
      return;
    case 'restore':
      renameSync(join(root, step.from), join(root, step.path));
      return;
    case 'put':
      throw new Error(`an uninstall has no 'put' step (${step.entry.path})`);
    default:
      step satisfies never;
  }
}

// Written beside the target and renamed over it: a running block-drbd never sees half a file.
function put(root: string, entry: PlanEntry, origin: Origin): void {
  const full = join(root, entry.path);
  const tmp = join(dirname(full), `.${entry.path.replace(/^.*\//, '')}.xen-drbd-tmp`);
  rmSync(tmp, { force: true });
  const content = contentOf(entry, origin);
  if (content.kind === 'symlink') {
    symlinkSync(content.target, tmp);
    renameSync(tmp, full);
  } else {
    writeAtomically(full, content.bytes, entry.mode);
  }
}

function writeAtomically(full: string, data: string | Buffer, mode: number): void {
  const tmp = join(dirname(full), `.${full.replace(/^.*\//, '')}.xen-drbd-tmp`);
  writeFileSync(tmp, data, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, full);
}

function missingDirs(root: string, dir: string): string[] {
  const missing: string[] = [];
  for (let d = dir; d !== '/' && !existsSync(join(root, d)); d = dirname(d)) missing.unshift(d);
  return missing;
}

function removeIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty (something else lives there) or already gone: leave it
  }
}
