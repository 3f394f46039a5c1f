// A directory root keeps its own files in (the promotion ledger, the hotplug and SR locks): made
// with an explicit mode, and refused unless no other user can change it or any directory above it.
// Another user who can rename entries on the way could swap a directory for a link and turn root's
// next write into one of their choosing. Checked from / down with lstat, so a link on the way is
// seen: one root owns (/var/run -> /run) is followed, the directory itself must not be a link.
import { lstatSync, mkdirSync, readlinkSync, type Stats } from 'node:fs';
import { posix } from 'node:path';

const MAX_LINKS = 40;

export class UnsafeDirectory extends Error {
  override readonly name = 'UnsafeDirectory';
}

/** Makes `dir` and any missing parent with `mode` (less the umask, never more), then checks the whole path. */
export function ensureOwnedDir(dir: string, mode: number): void {
  walkOwned(dir, (path) => lstatMaking(path, mode));
}

/** Checks the whole path of an existing `dir` (root loads code from it), making nothing: a missing part throws ENOENT. */
export function checkOwnedDir(dir: string): void {
  walkOwned(dir, (path) => lstatSync(path));
}

function walkOwned(dir: string, lstatStep: (path: string) => Stats): void {
  const trusted = new Set([0, process.geteuid?.() ?? 0]);
  const refuse = (path: string, why: string) =>
    new UnsafeDirectory(
      `${path} ${why}: root's files must be in directories owned by root and not writable by group or others; refusing to use it`,
    );
  let pending = posix.resolve(dir).split('/').filter(Boolean);
  let done = '/';
  check(done, lstatSync(done), false);
  for (let links = 0; pending.length > 0;) {
    const path = posix.join(done, pending.shift() as string);
    const last = pending.length === 0;
    const st = lstatStep(path);
    if (st.isSymbolicLink()) {
      if (last) throw refuse(path, 'is a symbolic link');
      if (!trusted.has(st.uid)) throw refuse(path, `is a symbolic link owned by uid ${st.uid}`);
      if (++links > MAX_LINKS) throw refuse(path, 'leads through too many symbolic links');
      pending = [...posix.resolve(done, readlinkSync(path)).split('/').filter(Boolean), ...pending];
      done = '/';
      continue;
    }
    check(path, st, last);
    done = path;
  }

  function check(path: string, st: Stats, last: boolean): void {
    if (!st.isDirectory()) throw refuse(path, 'is not a directory');
    const writable = (st.mode & 0o022) !== 0;
    // A sticky directory above ours (/tmp) lets others add entries but not rename or remove ours.
    const sticky = (st.mode & 0o1000) !== 0 && !last;
    if (!trusted.has(st.uid) || (writable && !sticky))
      throw refuse(path, `is owned by uid ${st.uid} with mode 0${(st.mode & 0o7777).toString(8)}`);
  }
}

function lstatMaking(path: string, mode: number): Stats {
  try {
    return lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  try {
    mkdirSync(path, { mode });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; // made meanwhile: checked below like any other
  }
  return lstatSync(path);
}
