// Files read under --root must resolve absolute symlinks inside that root, as the host would.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTextFile, underRoot } from '../../../src/boot-order/observe';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'xen-drbd-under-root-'));
  mkdirSync(join(root, 'etc/xen/scripts'), { recursive: true });
  mkdirSync(join(root, 'usr/libexec/xen-drbd'), { recursive: true });
  writeFileSync(join(root, 'usr/libexec/xen-drbd/block-drbd'), 'ours\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

test('an absolute link resolves inside the root, not on this host', () => {
  symlinkSync('/usr/libexec/xen-drbd/block-drbd', join(root, 'etc/xen/scripts/block-drbd'));
  expect(readTextFile(root, '/etc/xen/scripts/block-drbd')).toEqual({ path: '/etc/xen/scripts/block-drbd', text: 'ours\n' });
});

test('relative links and linked directories resolve too', () => {
  symlinkSync('../../../usr/libexec/xen-drbd/block-drbd', join(root, 'etc/xen/scripts/block-drbd'));
  symlinkSync('/usr/libexec', join(root, 'libexec'));
  expect(readTextFile(root, '/etc/xen/scripts/block-drbd')?.text).toBe('ours\n');
  expect(underRoot(root, '/libexec/xen-drbd/block-drbd')).toBe(join(root, 'usr/libexec/xen-drbd/block-drbd'));
});

test('a dangling link reads as missing; a loop is an error, not a hang', () => {
  symlinkSync('/nowhere/block-drbd', join(root, 'etc/xen/scripts/block-drbd'));
  expect(readTextFile(root, '/etc/xen/scripts/block-drbd')).toBeUndefined();
  symlinkSync('/etc/xen/loop-b', join(root, 'etc/xen/loop-a'));
  symlinkSync('/etc/xen/loop-a', join(root, 'etc/xen/loop-b'));
  expect(() => underRoot(root, '/etc/xen/loop-a')).toThrow(/too many levels of symbolic links/);
});

test('on the real root nothing is rewritten', () => {
  expect(underRoot('/', '/etc/xen/scripts/block-drbd')).toBe('/etc/xen/scripts/block-drbd');
});
