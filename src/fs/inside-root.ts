// Paths under a root directory (`boot-order --root`, `install --destdir`), resolved as the host at
// that root resolves them: a link's absolute target starts at the root and `..` stops there, so
// nothing read, written or deleted through a root lands outside it, whatever links the root holds.
// Links are followed rather than refused because a root needs them (usrmerge's /lib -> usr/lib
// holds /lib/systemd/system, /var/run -> /run); on '/' this is the kernel's own resolution.
// What it cannot stop: another user who can write inside the root swapping a directory for a link
// between this walk and the write (Node has no openat); the root must be root's while we run.
import { existsSync, lstatSync, mkdirSync, readlinkSync } from 'node:fs';
import { join, posix } from 'node:path';
import { readNoFollow } from './no-follow';
import { ensureOwnedDir } from './owned-dir';

const MAX_LINKS = 40;

/** An absolute path with no empty, `.` or `..` component: what a manifest may name. */
export function isCleanAbsolute(path: string): boolean {
  return (
    path.startsWith('/') &&
    !path.includes('\0') &&
    (path === '/' ||
      path
        .slice(1)
        .split('/')
        .every((c) => c !== '' && c !== '.' && c !== '..'))
  );
}

/** `path` as the host at `root` sees it, every link followed: where to read it. */
export function underRoot(root: string, path: string): string {
  if (root === '/') return path;
  return join(root, resolveInside(root, posix.normalize(path).split('/').filter(Boolean), path));
}

/**
 * Where to write or delete `path` under `root`: its directories resolved as underRoot does, its
 * last component not followed (a link there is replaced or removed, never written through).
 */
export function entryUnderRoot(root: string, path: string): string {
  const name = posix.basename(path);
  if (!isCleanAbsolute(path) || path === '/') throw new Error(`${path}: not a clean absolute path to a file`);
  return join(underRoot(root, posix.dirname(path)), name);
}

/** Makes `dir` under `root` (resolved as underRoot does) and any missing parent; returns what it made, as the root's paths, parents first. */
export function makeDirsUnderRoot(root: string, dir: string, mode = 0o755): string[] {
  const full = underRoot(root, dir);
  const missing: string[] = [];
  for (let d = full; d !== root && d !== '/' && !exists(d); d = posix.dirname(d)) missing.unshift(d);
  for (const d of missing) mkdirSync(d, { mode });
  return missing.map((d) => `/${posix.relative(root, d)}`);
}

/**
 * On the running host ('/'), our state directory (backups, manifests) must be root's alone: who
 * could write a backup there could make --undo install their /etc/init.d/drbd. Under another root
 * its files are that root's business, and its owner may be anyone.
 */
export function checkLiveStateDir(root: string, dir: string): void {
  if (root === '/' && existsSync(dir)) ensureOwnedDir(dir, 0o755);
}

/**
 * A manifest kept in our state directory `dir` under `root`, parsed as JSON (unchecked: the caller
 * checks its shape), or undefined when there is none. Read without following a link, at most `maxBytes`.
 */
export function readStateJson(
  root: string,
  dir: string,
  file: string,
  maxBytes: number,
): { readonly data: unknown; readonly path: string } | undefined {
  checkLiveStateDir(root, dir);
  const path = entryUnderRoot(root, file);
  let text: string;
  try {
    text = readNoFollow(path, maxBytes).toString('utf8');
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw e;
  }
  return { data: JSON.parse(text), path };
}

function resolveInside(root: string, parts: string[], asked: string): string {
  let done = '/';
  for (let hops = 0; parts.length > 0;) {
    const next = posix.join(done, parts.shift() as string);
    let link: string | undefined;
    try {
      link = lstatSync(join(root, next)).isSymbolicLink() ? readlinkSync(join(root, next)) : undefined;
    } catch (e) {
      if (isMissing(e)) return posix.join(next, ...parts);
      throw e;
    }
    if (link === undefined) {
      done = next;
      continue;
    }
    if (++hops > MAX_LINKS) throw Object.assign(new Error(`${join(root, asked)}: too many levels of symbolic links`), { code: 'ELOOP' });
    // posix.normalize of an absolute path drops a `..` above '/': the link stays inside the root.
    parts.unshift(
      ...posix
        .normalize(posix.isAbsolute(link) ? link : posix.join(done, link))
        .split('/')
        .filter(Boolean),
    );
    done = '/';
  }
  return done;
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch (e) {
    if (isMissing(e)) return false;
    throw e;
  }
}

export function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
