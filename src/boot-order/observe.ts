// Reads what boot ordering depends on from a root directory ('/' on a real host).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isMissing, underRoot } from '../fs/inside-root';
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

export function listDir(root: string, path: string): string[] {
  try {
    return readdirSync(underRoot(root, path)).sort();
  } catch (e) {
    if (isMissing(e)) return [];
    throw e;
  }
}

function isDirectory(root: string, path: string): boolean {
  try {
    return statSync(underRoot(root, path)).isDirectory();
  } catch {
    return false;
  }
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
