// install/uninstall --destdir R must change nothing outside R, whatever R holds: a crafted
// manifest, or a directory inside R linked to one outside.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { observeInstall, readManifest, runInstall, runUninstall, STATE_DIR } from '../../../src/install/apply';
import type { Origin } from '../../../src/install/content';
import { installPlan } from '../../../src/install/plan';
import { installSteps, uninstallSteps } from '../../../src/install/steps';
import { REPO_ROOT } from '../../support/run-built';

const scratch: string[] = [];
const made = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(d);
  return d;
};
afterEach(() => {
  for (const d of scratch.splice(0)) rmSync(d, { recursive: true, force: true });
});

let outside: string;
beforeEach(() => {
  outside = made('xen-drbd-outside-');
  writeFileSync(join(outside, 'victim'), 'keep me\n');
});

const climb = (path: string) => `/../../../../../../../..${path}`;

function withManifest(manifest: unknown): string {
  const root = made('xen-drbd-root-');
  mkdirSync(join(root, STATE_DIR), { recursive: true });
  writeFileSync(join(root, STATE_DIR, 'manifest.json'), JSON.stringify(manifest));
  return root;
}

function uninstall(root: string): void {
  const m = readManifest(root);
  if (m === undefined) throw new Error('no manifest');
  runUninstall(root, uninstallSteps(m), m);
}

test('a manifest entry outside the root is refused; the file there is not deleted', () => {
  const root = withManifest({ layout: 'debian', entries: [{ path: climb(join(outside, 'victim')) }], createdDirs: [] });
  expect(() => uninstall(root)).toThrow(
    `${join(root, STATE_DIR, 'manifest.json')}: entry 0: path "${climb(join(outside, 'victim'))}" is not a file xen-drbd installs`,
  );
  expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('keep me\n');
});

test('a kept original outside the root is refused; it is not moved into the root', () => {
  const root = withManifest({
    layout: 'debian',
    entries: [{ path: '/usr/sbin/xen-drbd', kept: climb(join(outside, 'victim')) }],
    createdDirs: [],
  });
  expect(() => uninstall(root)).toThrow(/entry 0: kept ".*" is not \/usr\/sbin\/xen-drbd.xen-drbd-orig/);
  expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('keep me\n');
});

test.each([
  ['null', null, /is not an install manifest/],
  ['an unknown layout', { layout: 'gentoo', entries: [], createdDirs: [] }, /is not an install manifest/],
  [
    'a created directory with ..',
    { layout: 'debian', entries: [], createdDirs: ['/usr/../..'] },
    /createdDirs\[0\]: "\/usr\/..\/.." is not a clean absolute path/,
  ],
])('%s is refused', (_what, manifest, error) => {
  const root = withManifest(manifest);
  expect(() => readManifest(root)).toThrow(error);
});

test('uninstall through a directory inside the root linked to one outside deletes nothing outside', () => {
  writeFileSync(join(outside, 'xen-drbd'), 'not ours\n');
  const root = withManifest({ layout: 'debian', entries: [{ path: '/usr/sbin/xen-drbd' }], createdDirs: [] });
  mkdirSync(join(root, 'usr'));
  symlinkSync(outside, join(root, 'usr/sbin'));
  uninstall(root);
  expect(readdirSync(outside).sort()).toEqual(['victim', 'xen-drbd']);
});

test('install through a directory inside the root linked to one outside writes inside the root only', () => {
  const dist = made('xen-drbd-dist-');
  for (const name of ['block-drbd', 'xen-drbd', 'DrbdlvmSR', 'libvirt-hook']) writeFileSync(join(dist, name), `#!/bin/sh\necho ${name}\n`);
  const origin: Origin = { dist, repo: REPO_ROOT, version: '9.8.7', date: '2026-01-02' };
  writeFileSync(join(outside, 'xen-drbd'), 'not ours\n');
  const root = made('xen-drbd-root-');
  mkdirSync(join(root, 'usr'));
  symlinkSync(outside, join(root, 'usr/sbin'));
  const d = installSteps('debian', installPlan('debian'), observeInstall(root));
  if (!d.ok) throw new Error(d.error);
  runInstall(root, d.steps, d.manifest, origin);
  expect(readdirSync(outside).sort()).toEqual(['victim', 'xen-drbd']);
  expect(readFileSync(join(outside, 'xen-drbd'), 'utf8')).toBe('not ours\n');
  expect(lstatSync(join(root, outside, 'xen-drbd')).mode & 0o7777).toBe(0o755);
  uninstall(root);
  expect(existsSync(join(root, outside, 'xen-drbd'))).toBe(false);
  expect(readdirSync(outside).sort()).toEqual(['victim', 'xen-drbd']);
});
