// The promotion ledger under a scratch root: root writes it, so it must not follow a link another
// user planted, nor use a directory another user can change (tests run as root; "another user" is
// nobody, by a real chown).
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileLedger } from '../../../src/hotplug/ledger';
import type { ResourceName } from '../../../src/drbd/types';

const NOBODY = 65534;
const r0 = 'r0' as ResourceName;
const record = { resource: r0, backend: 'backend/vbd/3/51712', at: '2026-01-01T00:00:00.000Z', dualPrimary: false };

let root: string;
let victim: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'xen-drbd-ledger-'));
  victim = join(root, 'shadow');
  writeFileSync(victim, 'root only\n', { mode: 0o600 });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('FileLedger.write', () => {
  it('makes its directories without group or other write, whatever the umask', () => {
    const old = process.umask(0);
    try {
      new FileLedger(join(root, 'run/xen-drbd/promoted')).write(record);
    } finally {
      process.umask(old);
    }
    for (const d of ['run', 'run/xen-drbd', 'run/xen-drbd/promoted']) expect(lstatSync(join(root, d)).mode & 0o7777).toBe(0o755);
    expect(lstatSync(join(root, 'run/xen-drbd/promoted/r0.json')).mode & 0o7777).toBe(0o644);
    expect(JSON.parse(readFileSync(join(root, 'run/xen-drbd/promoted/r0.json'), 'utf8'))).toEqual(record);
  });

  it('refuses a group-writable ledger directory, naming it, its owner and mode', () => {
    mkdirSync(join(root, 'xen-drbd/promoted'), { recursive: true });
    chmodSync(join(root, 'xen-drbd/promoted'), 0o775);
    expect(() => new FileLedger(join(root, 'xen-drbd/promoted')).write(record)).toThrow(
      `${join(root, 'xen-drbd/promoted')} is owned by uid 0 with mode 0775: root's files must be in directories owned by root and not writable by group or others; refusing to use it`,
    );
    expect(readdirSync(join(root, 'xen-drbd/promoted'))).toEqual([]);
  });

  it("refuses a parent another user owns, and writes nothing through that user's link", () => {
    // An unprivileged user's /run/xen-drbd (made world-writable at umask 000, or their own) with
    // the ledger directory replaced by a link to a root-only directory.
    mkdirSync(join(root, 'xen-drbd'));
    chownSync(join(root, 'xen-drbd'), NOBODY, NOBODY);
    mkdirSync(join(root, 'etc'), { mode: 0o700 });
    symlinkSync(join(root, 'etc'), join(root, 'xen-drbd/promoted'));
    expect(() => new FileLedger(join(root, 'xen-drbd/promoted')).write(record)).toThrow(
      `${join(root, 'xen-drbd')} is owned by uid ${NOBODY} with mode 0755`,
    );
    expect(readdirSync(join(root, 'etc'))).toEqual([]);
  });

  it('refuses a ledger directory that is a link, even one root made', () => {
    mkdirSync(join(root, 'elsewhere'));
    symlinkSync(join(root, 'elsewhere'), join(root, 'promoted'));
    expect(() => new FileLedger(join(root, 'promoted')).write(record)).toThrow(`${join(root, 'promoted')} is a symbolic link`);
    expect(readdirSync(join(root, 'elsewhere'))).toEqual([]);
  });

  it('writes no temp file through a link planted where one used to go (name.json.PID.tmp)', () => {
    mkdirSync(join(root, 'promoted'));
    symlinkSync(victim, join(root, `promoted/r0.json.${process.pid}.tmp`));
    new FileLedger(join(root, 'promoted')).write(record);
    expect(readFileSync(victim, 'utf8')).toBe('root only\n');
    expect(JSON.parse(readFileSync(join(root, 'promoted/r0.json'), 'utf8'))).toEqual(record);
  });

  it('replaces a link planted at the record itself rather than writing through it', () => {
    mkdirSync(join(root, 'promoted'));
    symlinkSync(victim, join(root, 'promoted/r0.json'));
    new FileLedger(join(root, 'promoted')).write(record);
    expect(readFileSync(victim, 'utf8')).toBe('root only\n');
    expect(lstatSync(join(root, 'promoted/r0.json')).isFile()).toBe(true);
  });
});

describe('FileLedger.read', () => {
  const ledger = () => new FileLedger(join(root, 'promoted'));
  beforeEach(() => mkdirSync(join(root, 'promoted')));

  it('reads back what write wrote, and nothing for a resource without a record', () => {
    ledger().write(record);
    expect(ledger().read(r0)).toEqual(record);
    expect(ledger().read('r1' as ResourceName)).toBeUndefined();
  });

  it.each([
    ['null', 'null\n', 'holds JSON that is not a promotion record'],
    ['a number', '42\n', 'holds JSON that is not a promotion record'],
    ['another resource', JSON.stringify({ ...record, resource: 'r9' }), 'holds JSON that is not a promotion record'],
    ['torn JSON', '{"resource":"r0","back', 'is not valid JSON'],
  ])('reads %s as "promoted by block-drbd" with the problem named', (_what, text, problem) => {
    writeFileSync(join(root, 'promoted/r0.json'), text);
    expect(ledger().read(r0)).toEqual({
      resource: r0,
      backend: 'unknown',
      at: 'unknown',
      dualPrimary: false,
      problem: `${join(root, 'promoted/r0.json')} ${problem}; read as "promoted by block-drbd"`,
    });
  });

  it('does not follow a link at the record', () => {
    writeFileSync(victim, JSON.stringify(record));
    symlinkSync(victim, join(root, 'promoted/r0.json'));
    expect(ledger().read(r0)?.problem).toBe(
      `${join(root, 'promoted/r0.json')} is a symbolic link, not a record block-drbd wrote; read as "promoted by block-drbd"`,
    );
  });

  it('clear removes a record, and a link in its place, never its target', () => {
    symlinkSync(victim, join(root, 'promoted/r0.json'));
    ledger().clear(r0);
    expect(existsSync(join(root, 'promoted/r0.json'))).toBe(false);
    expect(readFileSync(victim, 'utf8')).toBe('root only\n');
  });
});
