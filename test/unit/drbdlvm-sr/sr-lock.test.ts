// The per-SR lock with the real flock(1), against a holder that is another process, as a concurrent
// DrbdlvmSR would be. The holder locks exactly as the driver does (flock -x on an inherited fd).
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../../src/exec/run';
import { SrError } from '../../../src/drbdlvm-sr/errors';
import { parseUuid } from '../../../src/drbdlvm-sr/layout';
import { srLockPath, takeSrLock } from '../../../src/drbdlvm-sr/sr-lock';

const SR = parseUuid('3b2f4c1e-7a55-8c1d-0e7f-2a9b6c4d8e11', 'sr');

/** Another process holding the lock until killed; resolves once it holds it. */
function holder(lockDir: string): Promise<ChildProcess> {
  const code = `
    const fs = require('node:fs'); const cp = require('node:child_process');
    fs.mkdirSync(process.argv[1], { recursive: true });
    const fd = fs.openSync(process.argv[2], 'a');
    const r = cp.spawnSync('flock', ['-x', '3'], { stdio: ['ignore', 'ignore', 'inherit', fd] });
    if (r.status !== 0) process.exit(2);
    process.stdout.write('held\\n');
    setInterval(() => undefined, 1 << 30);`;
  const child = spawn(process.execPath, ['-e', code, join(lockDir, SR), srLockPath(lockDir, SR)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', () => resolve(child));
    child.once('exit', (c) => reject(new Error(`holder exited ${c}`)));
  });
}

const exited = (c: ChildProcess) => new Promise((resolve) => c.once('exit', resolve));

describe('takeSrLock', () => {
  it("is stock sm's path: <lockDir>/<sr_uuid>/sr", () => {
    expect(srLockPath('/var/lock/sm', SR)).toBe(`/var/lock/sm/${SR}/sr`);
  });

  it('gives up after its bound with LockErr naming the file, while another process holds it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sr-lock-'));
    const other = await holder(dir);
    try {
      const e = await takeSrLock(dir, SR, runCommand, 1).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(SrError);
      expect((e as SrError).code).toBe(37);
      expect((e as SrError).message).toContain(
        `cannot take the SR lock ${srLockPath(dir, SR)}: another drbdlvm command on this host held it for over 1 s`,
      );
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('is free again once a SIGKILLed holder is gone: nothing to clean up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sr-lock-'));
    const other = await holder(dir);
    other.kill('SIGKILL');
    await exited(other);
    const held = await takeSrLock(dir, SR, runCommand, 1);
    held.release();
  });

  it('excludes a second taker in this process too (one lock per open file), until released', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sr-lock-'));
    const first = await takeSrLock(dir, SR, runCommand, 1);
    await expect(takeSrLock(dir, SR, runCommand, 1)).rejects.toMatchObject({ code: 37 });
    first.release();
    (await takeSrLock(dir, SR, runCommand, 1)).release();
  });
});

describe('takeSrLock as root, against links and shared directories', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sr-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a lock file that is a link, and does not create its target', async () => {
    mkdirSync(join(dir, SR), { mode: 0o700 });
    symlinkSync(join(dir, 'created-by-root'), srLockPath(dir, SR));
    await expect(takeSrLock(dir, SR, runCommand, 1)).rejects.toThrow(`${srLockPath(dir, SR)} is a symbolic link; not following it`);
    expect(existsSync(join(dir, 'created-by-root'))).toBe(false);
  });

  it("refuses an SR directory another user owns (their link or file could stand in for root's lock)", async () => {
    mkdirSync(join(dir, SR), { mode: 0o700 });
    chownSync(join(dir, SR), 65534, 65534);
    await expect(takeSrLock(dir, SR, runCommand, 1)).rejects.toThrow(`${join(dir, SR)} is owned by uid 65534 with mode 0700`);
    expect(readdirSync(join(dir, SR))).toEqual([]);
  });
});
