// Reads what boot ordering depends on from a root directory ('/' on a real host).
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { DROP_IN_PATH } from './dropin';
import type { BootObserved, TextFile } from './observed';

export function readTextFile(root: string, path: string): TextFile | undefined {
  try {
    return { path, text: readFileSync(underRoot(root, path), 'utf8') };
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw e;
  }
}

/**
 * `path` as a host at `root` would see it: absolute symlinks (the package links
 * /etc/xen/scripts/block-drbd to /usr/libexec/xen-drbd) resolve inside root, not on this host.
 */
export function underRoot(root: string, path: string): string {
  if (root === '/') return path;
  const parts = posix.normalize(path).split('/').filter(Boolean);
  let done = '/';
  for (let hops = 0; parts.length > 0; ) {
    const next = posix.join(done, parts.shift()!);
    let link: string | undefined;
    try {
      link = lstatSync(join(root, next)).isSymbolicLink() ? readlinkSync(join(root, next)) : undefined;
    } catch (e) {
      if (isMissing(e)) return join(root, next, ...parts);
      throw e;
    }
    if (link === undefined) {
      done = next;
      continue;
    }
    if (++hops > 40) throw Object.assign(new Error(`${join(root, path)}: too many levels of symbolic links`), { code: 'ELOOP' });
    parts.unshift(...posix.normalize(posix.isAbsolute(link) ? link : posix.join(done, link)).split('/').filter(Boolean));
    done = '/';
  }
  return join(root, done);
}

export function listDir(root: string, path: string): string[] {
  try {
    return readdirSync(join(root, path)).sort();
  } catch (e) {
    if (isMissing(e)) return [];
    throw e;
  }
}

function isDirectory(root: string, path: string): boolean {
  try {
    return statSync(join(root, path)).isDirectory();
  } catch {
    return false;
  }
}

function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

const UNIT_DIRS = ['/etc/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system'];

export function observeBoot(root: string): BootObserved {
  const enabledUnits = new Set<string>();
  for (const dir of listDir(root, '/etc/systemd/system')) {
    if (dir.endsWith('.wants')) for (const unit of listDir(root, `/etc/systemd/system/${dir}`)) enabledUnits.add(unit);
  }
  const rcStartLinks = new Set<string>();
  for (const level of ['2', '3', '4', '5']) {
    for (const link of listDir(root, `/etc/rc${level}.d`)) {
      const m = /^S\d\d(.+)$/.exec(link);
      if (m) rcStartLinks.add(m[1] as string);
    }
  }
  return {
    systemd: isDirectory(root, '/run/systemd/system'),
    drbdInit: readTextFile(root, '/etc/init.d/drbd'),
    xendomainsInit: readTextFile(root, '/etc/init.d/xendomains'),
    xendomainsUnit: UNIT_DIRS.map((d) => readTextFile(root, `${d}/xendomains.service`)).find((f) => f !== undefined),
    dropIn: readTextFile(root, DROP_IN_PATH),
    enabledUnits,
    rcStartLinks,
  };
}
