// ensureOwnedDir and checkOwnedDir on a scratch tree (tests run as root; "another user" is nobody, by a real chown).
import { chmodSync, lchownSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkOwnedDir, ensureOwnedDir } from '../../../src/fs/owned-dir';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'xen-drbd-owned-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

it('follows a link root owns on the way (/var/run -> /run), and makes what is missing', () => {
  mkdirSync(join(root, 'run'));
  mkdirSync(join(root, 'var'));
  symlinkSync(join(root, 'run'), join(root, 'var/run'));
  ensureOwnedDir(join(root, 'var/run/xen-hotplug'), 0o755);
  expect(lstatSync(join(root, 'run/xen-hotplug')).isDirectory()).toBe(true);
});

it('refuses a link on the way that another user owns', () => {
  mkdirSync(join(root, 'run'));
  symlinkSync(join(root, 'run'), join(root, 'var'));
  lchownSync(join(root, 'var'), 65534, 65534);
  expect(() => ensureOwnedDir(join(root, 'var/xen-hotplug'), 0o755)).toThrow(`${join(root, 'var')} is a symbolic link owned by uid 65534`);
});

it('accepts a sticky world-writable directory above (/tmp, /run/lock), never as the directory itself', () => {
  mkdirSync(join(root, 'lock'));
  chmodSync(join(root, 'lock'), 0o1777);
  ensureOwnedDir(join(root, 'lock/sm'), 0o700);
  expect(() => ensureOwnedDir(join(root, 'lock'), 0o700)).toThrow(`${join(root, 'lock')} is owned by uid 0 with mode 01777`);
});

it('refuses a file where a directory should be', () => {
  writeFileSync(join(root, 'file'), '');
  expect(() => ensureOwnedDir(join(root, 'file/x'), 0o755)).toThrow(`${join(root, 'file')} is not a directory`);
});

describe('checkOwnedDir: the same walk, making nothing', () => {
  it('passes a safe directory and refuses a missing one without making it', () => {
    mkdirSync(join(root, 'lib'));
    checkOwnedDir(join(root, 'lib'));
    expect(() => checkOwnedDir(join(root, 'lib/missing'))).toThrow(/ENOENT/);
    expect(() => lstatSync(join(root, 'lib/missing'))).toThrow(/ENOENT/);
  });

  it('refuses a directory others can write to, or one below it', () => {
    mkdirSync(join(root, 'lib/x'), { recursive: true });
    chmodSync(join(root, 'lib'), 0o775);
    expect(() => checkOwnedDir(join(root, 'lib/x'))).toThrow(`${join(root, 'lib')} is owned by uid 0 with mode 0775`);
  });
});
