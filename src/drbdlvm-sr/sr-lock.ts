// The per-SR lock between driver processes on one host: xapi runs several commands at once (docs/smapi.md
// §1), and an activation's read-decide-mark of the pool-wide state must not interleave with
// another on the same host. flock(2) on <lockDir>/<sr_uuid>/sr, stock sm's path; Node has no flock,
// so flock(1) locks our descriptor (the lock belongs to the open file description and stays after
// the helper exits). Safe after SIGKILL: the kernel drops the lock when our descriptor closes with
// the process. Bounded: flock -w gives up and the command fails with LockErr, naming the file.
// Python sm's own locks are fcntl record locks and do not exclude these; no Python sm code locks a
// drbdlvm SR except resetvdis, which only edits xapi's database.
import { closeSync, constants } from 'node:fs';
import { join } from 'node:path';
import { describeFailure, succeeded, type Runner } from '../exec/run';
import { openWith } from '../fs/no-follow';
import { ensureOwnedDir } from '../fs/owned-dir';
import { srError } from './errors';
import type { Uuid } from './layout';

export interface HeldSrLock {
  release(): void;
}

/** Long enough for the slowest holder (an activation: LVM, DRBD, tap-ctl), short of a hung xapi task. */
export const SR_LOCK_WAIT_S = 120;

export function srLockPath(lockDir: string, srUuid: Uuid): string {
  return join(lockDir, srUuid, 'sr');
}

export async function takeSrLock(lockDir: string, srUuid: Uuid, run: Runner, waitS = SR_LOCK_WAIT_S): Promise<HeldSrLock> {
  const path = srLockPath(lockDir, srUuid);
  // Root's lock in root's directory: another user's link there must not make us create its target.
  ensureOwnedDir(join(lockDir, srUuid), 0o700);
  const fd = openWith(path, constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
  const r = await run(['flock', '-x', '-w', String(waitS), '3'], { timeoutMs: waitS * 1000 + 5000, extraFds: [fd] });
  if (!succeeded(r)) {
    closeSync(fd);
    // flock(1) exits 1 when -w runs out; anything else (not installed, killed) is its own story.
    const why = r.exitCode === 1 ? `another drbdlvm command on this host held it for over ${waitS} s` : describeFailure(r);
    throw srError(
      'LockErr',
      `cannot take the SR lock ${path}: ${why}; retry, and if it persists look for a hung DrbdlvmSR process ('fuser ${path}')`,
    );
  }
  // The file stays: unlinking a flock file lets a waiter lock an inode nobody else sees.
  return { release: () => closeSync(fd) };
}
