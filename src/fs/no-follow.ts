// Files root writes and reads without following a link someone else planted: a new file is created
// O_EXCL|O_NOFOLLOW under a fresh name and renamed into place (rename replaces a link, never writes
// through it); a file read O_NOFOLLOW, and only if it is a regular file.
import { closeSync, constants, fchmodSync, fstatSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const { O_APPEND, O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK, O_RDONLY, O_WRONLY } = constants;

/** Permission bits only: nothing we write is setuid, setgid or sticky. */
export const permissionBits = (mode: number): number => mode & 0o777;

/** Creates `path`, which must not exist yet (a link there fails too), with exactly `mode` whatever the umask. */
export function createExclusive(path: string, data: string | Buffer, mode: number): void {
  const fd = openWith(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, permissionBits(mode));
  try {
    fchmodSync(fd, permissionBits(mode));
    writeFileSync(fd, data);
  } finally {
    closeSync(fd);
  }
}

// Temp names tried before giving up: each is taken only by a file already there (a planted one, or
// one left by a killed process with this pid), so running out means someone is filling the directory.
const TEMP_TRIES = 100;

/** Puts `data` at `path` atomically: readers see the old file or the new one, never half of one. */
export function replaceFile(path: string, data: string | Buffer, mode: number): void {
  const tmp = createTemp(path, data, mode);
  try {
    renameSync(tmp, path);
  } catch (e) {
    unlinkSync(tmp);
    throw e;
  }
}

/**
 * A new file beside `path` holding `data`. The name need not be unpredictable (it was random, and
 * that cost block-drbd node:crypto's load, ~12 ms of Debian's nodejs 18 start, on every run):
 * O_EXCL|O_NOFOLLOW already refuses any file or link planted under it, and whoever can plant one
 * in that directory can as well remove ours. A name that is taken is skipped.
 */
function createTemp(path: string, data: string | Buffer, mode: number): string {
  for (let i = 0; ; i++) {
    const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${i}.tmp`);
    try {
      createExclusive(tmp, data, mode);
      return tmp;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if ((code !== 'EEXIST' && code !== 'ELOOP') || i + 1 >= TEMP_TRIES) throw e;
    }
  }
}

/** Appends to `path`, made with `mode` if missing; a link there is an error, not followed. */
export function appendNoFollow(path: string, data: string, mode: number): void {
  const fd = openWith(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, permissionBits(mode));
  try {
    writeFileSync(fd, data);
  } finally {
    closeSync(fd);
  }
}

/** A regular file's bytes; a link, a directory or a device at `path` is an error naming it. */
export function readNoFollow(path: string, maxBytes: number): Buffer {
  // O_NONBLOCK: a FIFO planted there must not hang the open.
  const fd = openWith(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error(`${path} is not a regular file`);
    if (st.size > maxBytes) throw new Error(`${path} is ${st.size} bytes, more than the ${maxBytes} expected`);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** open(2); a link at `path` (ELOOP under O_NOFOLLOW) becomes an error that says so. */
export function openWith(path: string, flags: number, mode?: number): number {
  try {
    return openSync(path, flags, mode);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP')
      throw Object.assign(new Error(`${path} is a symbolic link; not following it`), { code: 'ELOOP' });
    throw e;
  }
}
