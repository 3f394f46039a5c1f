// Xen's hotplug lock with the real flock(1): taken and released as locking.sh does, but never
// through a link (locking.sh's `exec {fd}<>"$lockfile"` would create the link's target).
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Deadline } from '../../../src/exec/deadline';
import { runCommand } from '../../../src/exec/run';
import { claimLock, LockTimeout } from '../../../src/hotplug/lock';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'xen-drbd-lock-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const deadline = () => new Deadline(20_000);

it('takes the lock in a directory it makes, and unlinks the file on release', async () => {
  const dir = join(root, 'xen-hotplug');
  const held = await claimLock('block', dir, deadline(), runCommand);
  expect(readdirSync(dir)).toEqual(['block']);
  held.release();
  expect(readdirSync(dir)).toEqual([]);
});

it('refuses a lock file that is a link, and does not create its target', async () => {
  const dir = join(root, 'xen-hotplug');
  mkdirSync(dir);
  mkdirSync(join(root, 'etc'));
  symlinkSync(join(root, 'etc/nologin'), join(dir, 'block'));
  await expect(claimLock('block', dir, deadline(), runCommand)).rejects.toThrow(
    `${join(dir, 'block')} is a symbolic link; not following it`,
  );
  expect(existsSync(join(root, 'etc/nologin'))).toBe(false);
});

it('refuses a lock directory others can write to', async () => {
  const dir = join(root, 'xen-hotplug');
  mkdirSync(dir);
  chmodSync(dir, 0o777);
  await expect(claimLock('block', dir, deadline(), runCommand)).rejects.toThrow(`${dir} is owned by uid 0 with mode 0777`);
  expect(readdirSync(dir)).toEqual([]);
});

it('says how long it waited when others held the lock past the deadline, and leaves their lock alone', async () => {
  const dir = join(root, 'xen-hotplug');
  const held = await claimLock('block', dir, deadline(), runCommand);
  await expect(claimLock('block', dir, new Deadline(1_500), runCommand)).rejects.toThrow(
    new LockTimeout(
      `the hotplug lock ${join(dir, 'block')} was not free within 1 s (every hotplug script on this host takes it in turn: ` +
        'many domains starting or stopping at once, or dom0 short of CPU?)',
    ),
  );
  expect(readdirSync(dir)).toEqual(['block']);
  held.release();
});
