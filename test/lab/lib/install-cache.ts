// Our package's installed state, kept between boots. Each `dist` boot installs xen-drbd.deb with
// dpkg -i, whose postinst builds the executables' start-up snapshots: ~35-40 s of a boot under TCG,
// with the same result every time for the same image and package. The first boot that installs a
// package captures what the install changed (guest/install-cache.sh); later boots of the same image
// with a package of the same content put that back instead. The cache lives in $LAB_INSTALL_CACHE,
// which run-suite.ts makes per suite run (unset: every boot runs dpkg -i), so each run's first
// boot still installs the package with dpkg -i; 16-package removes and installs it again itself.
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CpioEntry } from './cpio';

/** What guest/install-cache.sh captures, in /run/lab-install of the capturing dom0. */
export const CAPTURE_FILES = ['files.tar', 'links', 'gone'] as const;
export type CaptureFile = (typeof CAPTURE_FILES)[number];

/** A package's content: every path in it with its mode and bytes (dpkg-deb -R), not the build's time stamps. */
function debContent(deb: string, h: crypto.Hash): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-deb-'));
  try {
    const r = spawnSync('dpkg-deb', ['-R', deb, dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`dpkg-deb -R ${deb}: ${r.stderr}`);
    const walk = (rel: string): void => {
      const st = fs.lstatSync(path.join(dir, rel));
      h.update(`${rel}\0${st.mode}\0`);
      if (st.isSymbolicLink()) h.update(fs.readlinkSync(path.join(dir, rel)));
      else if (st.isFile()) h.update(fs.readFileSync(path.join(dir, rel)));
      else if (st.isDirectory()) for (const e of fs.readdirSync(path.join(dir, rel)).sort()) walk(path.join(rel, e));
      h.update('\0');
    };
    walk('.');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The suite run's cache ($LAB_INSTALL_CACHE), or undefined: no caching. */
export const INSTALL_CACHE_ROOT = process.env.LAB_INSTALL_CACHE || undefined;

/**
 * The cache entry for installing `debs` (in order) on the image made of `cpios`: the base and any
 * extra cpio that holds what a postinst looks for (libvirt's daemons; not the DRBD 9 modules).
 */
export function installCacheDir(cacheRoot: string, debs: readonly string[], cpios: readonly string[]): string {
  const h = crypto.createHash('sha256');
  for (const c of cpios) {
    const st = fs.statSync(c);
    h.update(`${c}\0${st.size}\0${st.mtimeMs}\0`);
  }
  for (const d of debs) debContent(d, h);
  return path.join(cacheRoot, h.digest('hex').slice(0, 32));
}

/** The overlay's entries for a boot that restores the entry, or none when there is no complete one. */
export function installCacheEntries(dir: string): CpioEntry[] {
  if (!CAPTURE_FILES.every((f) => fs.existsSync(path.join(dir, f)))) return [];
  return CAPTURE_FILES.map((f) => ({
    path: `lab/install-cache/${f}`,
    mode: 0o644,
    type: 'file' as const,
    data: fs.readFileSync(path.join(dir, f)),
  }));
}

/** Stores a capture (written whole, then renamed, so a reader never sees half of one). */
export function storeInstallCache(dir: string, files: Record<CaptureFile, Buffer>): void {
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  for (const f of CAPTURE_FILES) fs.writeFileSync(path.join(tmp, f), files[f]);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
}
