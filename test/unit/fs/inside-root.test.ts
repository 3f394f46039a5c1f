// Paths under --root/--destdir resolve as the host at that root would resolve them: absolute links
// and `..` stay inside the root, for reading, writing and deleting alike.
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTextFile } from '../../../src/boot-order/observe';
import { entryUnderRoot, isCleanAbsolute, makeDirsUnderRoot, underRoot } from '../../../src/fs/inside-root';

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

test('a write or delete resolves the directories, not the last component', () => {
  symlinkSync('/usr/libexec/xen-drbd/block-drbd', join(root, 'etc/xen/scripts/block-drbd'));
  expect(entryUnderRoot(root, '/etc/xen/scripts/block-drbd')).toBe(join(root, 'etc/xen/scripts/block-drbd'));
  symlinkSync('/usr/libexec', join(root, 'libexec'));
  expect(entryUnderRoot(root, '/libexec/xen-drbd/block-drbd')).toBe(join(root, 'usr/libexec/xen-drbd/block-drbd'));
});

test('a linked directory that points outside the root, absolutely or by climbing, lands inside it', () => {
  symlinkSync('/tmp', join(root, 'etc/abs'));
  symlinkSync('../../../../../../../../../tmp', join(root, 'etc/rel'));
  expect(entryUnderRoot(root, '/etc/abs/x')).toBe(join(root, 'tmp/x'));
  expect(entryUnderRoot(root, '/etc/rel/x')).toBe(join(root, 'tmp/x'));
  expect(() => entryUnderRoot(root, '/../../../../etc/x')).toThrow('/../../../../etc/x: not a clean absolute path to a file');
});

test('makeDirsUnderRoot makes what is missing behind a link, inside the root, and says what it made', () => {
  symlinkSync('/srv/systemd', join(root, 'etc/systemd'));
  expect(makeDirsUnderRoot(root, '/etc/systemd/system')).toEqual(['/srv', '/srv/systemd', '/srv/systemd/system']);
  expect(existsSync(join(root, 'srv/systemd/system'))).toBe(true);
  expect(makeDirsUnderRoot(root, '/etc/systemd/system')).toEqual([]);
});

test.each([
  ['/etc/init.d/drbd', true],
  ['/', true],
  ['etc/init.d/drbd', false],
  ['/etc/../x', false],
  ['/etc/./x', false],
  ['/etc//x', false],
  ['/etc/x/', false],
  ['/etc/x\0', false],
])('isCleanAbsolute(%j) is %s', (path, clean) => {
  expect(isCleanAbsolute(path)).toBe(clean);
});
