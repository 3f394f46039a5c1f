// boot-order --apply/--undo under a root must change nothing outside it, whatever the root holds:
// a crafted manifest, a setuid mode in it, a directory inside the root linked to one outside.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyChanges, BACKUP_DIR, undoChanges } from '../../../src/boot-order/apply';
import { observeBoot } from '../../../src/boot-order/observe';
import { planBootOrder } from '../../../src/boot-order/plan';
import { writeTree } from '../../support/check-host';

let outside: string;
beforeEach(() => {
  outside = mkdtempSync(join(tmpdir(), 'xen-drbd-outside-'));
  writeFileSync(join(outside, 'victim'), 'keep me\n');
});
afterEach(() => rmSync(outside, { recursive: true, force: true }));

/** Enough `..` to climb out of any scratch root, then the absolute path. */
const climb = (path: string) => `/../../../../../../../..${path}`;

function withManifest(manifest: unknown, backups: Record<string, string> = {}): string {
  const root = writeTree({ 'run/systemd/system/.keep': '' });
  mkdirSync(join(root, BACKUP_DIR), { recursive: true });
  writeFileSync(join(root, BACKUP_DIR, 'manifest.json'), JSON.stringify(manifest));
  for (const [name, text] of Object.entries(backups)) writeFileSync(join(root, BACKUP_DIR, name), text);
  return root;
}

test('a manifest entry outside the root is refused; the file there is not deleted', () => {
  const root = withManifest({ entries: [{ path: climb(join(outside, 'victim')) }], createdDirs: [] });
  expect(() => undoChanges(root)).toThrow(
    `${join(root, BACKUP_DIR, 'manifest.json')}: entry 0: path "${climb(join(outside, 'victim'))}" is not a file boot-order manages (/etc/init.d/drbd, /etc/systemd/system/xendomains.service.d/10-drbd.conf)`,
  );
  expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('keep me\n');
});

test('a manifest that restores a setuid file outside the root is refused; nothing is created there', () => {
  const root = withManifest(
    { entries: [{ path: climb(join(outside, 'suid')), backup: '0-drbd', mode: 0o4755 }], createdDirs: [] },
    { '0-drbd': '#!/bin/sh\n' },
  );
  expect(() => undoChanges(root)).toThrow(/is not a file boot-order manages/);
  expect(readdirSync(outside)).toEqual(['victim']);
});

test('a setuid, setgid or sticky mode in the manifest is cut to permission bits', () => {
  const root = withManifest(
    { entries: [{ path: '/etc/init.d/drbd', backup: '0-drbd', mode: 0o7755 }], createdDirs: [] },
    { '0-drbd': '#!/bin/sh\n' },
  );
  mkdirSync(join(root, 'etc/init.d'), { recursive: true });
  expect(undoChanges(root)).toBe(true);
  expect(lstatSync(join(root, 'etc/init.d/drbd')).mode & 0o7777).toBe(0o755);
});

test.each([
  [
    'a backup name with a slash',
    { entries: [{ path: '/etc/init.d/drbd', backup: '../../../../etc/shadow', mode: 0o644 }], createdDirs: [] },
    /entry 0: backup "..\/..\/..\/..\/etc\/shadow" is not a backup name boot-order writes/,
  ],
  [
    'a created directory with ..',
    { entries: [], createdDirs: ['/etc/../..'] },
    /createdDirs\[0\]: "\/etc\/..\/.." is not a clean absolute path/,
  ],
  [
    'a mode that is not a number',
    { entries: [{ path: '/etc/init.d/drbd', backup: '0-drbd', mode: '4755' }], createdDirs: [] },
    /entry 0: mode "4755" is not a file mode/,
  ],
  ['null', null, /is not a boot-order manifest/],
])('%s is refused before anything is undone', (_what, manifest, error) => {
  const root = withManifest(manifest, { '0-drbd': '#!/bin/sh\n' });
  expect(() => undoChanges(root)).toThrow(error);
  expect(existsSync(join(root, BACKUP_DIR, 'manifest.json'))).toBe(true);
});

test('a backup that is a link is not read through (it could copy a root-only file into the root)', () => {
  writeFileSync(join(outside, 'secret'), 'root only\n');
  const root = withManifest({ entries: [{ path: '/etc/init.d/drbd', backup: '0-drbd', mode: 0o644 }], createdDirs: [] });
  symlinkSync(join(outside, 'secret'), join(root, BACKUP_DIR, '0-drbd'));
  mkdirSync(join(root, 'etc/init.d'), { recursive: true });
  expect(() => undoChanges(root)).toThrow(`${join(root, BACKUP_DIR, '0-drbd')} is a symbolic link; not following it`);
  expect(existsSync(join(root, 'etc/init.d/drbd'))).toBe(false);
});

test('--apply through a directory inside the root linked to one outside writes inside the root, as that host would see it; --undo takes it back', () => {
  const root = writeTree({ 'run/systemd/system/.keep': '' });
  mkdirSync(join(root, 'etc/systemd/system'), { recursive: true });
  symlinkSync(outside, join(root, 'etc/systemd/system/xendomains.service.d'));
  const plan = planBootOrder(observeBoot(root));
  if (!plan.ok) throw new Error(plan.error);
  applyChanges(root, plan.changes);
  expect(readdirSync(outside)).toEqual(['victim']);
  expect(readFileSync(join(root, outside, '10-drbd.conf'), 'utf8')).toContain('After=drbd.service');
  expect(undoChanges(root)).toBe(true);
  expect(existsSync(join(root, outside))).toBe(false);
  expect(readdirSync(outside)).toEqual(['victim']);
});

test('a relative link that climbs above the root stays inside it too', () => {
  const root = writeTree({ 'run/systemd/system/.keep': '' });
  mkdirSync(join(root, 'etc/systemd/system'), { recursive: true });
  symlinkSync(`../../..${climb(outside)}`, join(root, 'etc/systemd/system/xendomains.service.d'));
  const plan = planBootOrder(observeBoot(root));
  if (!plan.ok) throw new Error(plan.error);
  applyChanges(root, plan.changes);
  expect(readdirSync(outside)).toEqual(['victim']);
  expect(existsSync(join(root, outside, '10-drbd.conf'))).toBe(true);
});
