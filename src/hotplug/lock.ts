// Xen's hotplug lock, taken as tools/hotplug/Linux/locking.sh takes it, so block-drbd and the stock
// `block` script exclude each other: open-or-create /var/run/xen-hotplug/<name>, flock it, check
// that the locked inode is still the one at that path (a releaser unlinks it), and release by
// unlinking then closing. Node has no flock(2), so flock(1) locks our fd (a lock belongs to the
// open file description and outlives the helper process).
// Stricter than locking.sh, whose `exec {fd}<>"$lockfile"` (as root) follows a link planted there
// and creates its target: the directory must be root's alone, and the file is opened O_NOFOLLOW.
import { closeSync, constants, fstatSync, lstatSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Deadline } from '../exec/deadline';
import { describeFailure, succeeded, type Runner } from '../exec/run';
import { openWith } from '../fs/no-follow';
import { ensureOwnedDir } from '../fs/owned-dir';

const { O_CREAT, O_NOFOLLOW, O_RDWR } = constants;

export interface HeldLock {
  release(): void;
}

export class LockTimeout extends Error {
  override readonly name = 'LockTimeout';
}

export async function claimLock(name: string, dir: string, deadline: Deadline, run: Runner): Promise<HeldLock> {
  ensureOwnedDir(dir, 0o755);
  const path = join(dir, name);
  for (;;) {
    const fd = openWith(path, O_RDWR | O_CREAT | O_NOFOLLOW, 0o644);
    const waitS = Math.max(1, Math.floor(deadline.remainingMs() / 1000));
    const result = await run(['flock', '-x', '-w', String(waitS), '3'], { timeoutMs: waitS * 1000 + 1000, extraFds: [fd] });
    if (!succeeded(result)) {
      closeSync(fd);
      // flock(1) exits 1 when -w runs out: others held the lock all that time.
      throw new LockTimeout(
        result.exitCode === 1
          ? `the hotplug lock ${path} was not free within ${waitS} s (every hotplug script on this host takes it in turn: ` +
              `many domains starting or stopping at once, or dom0 short of CPU?)`
          : `could not take the hotplug lock ${path}: ${describeFailure(result)}`,
      );
    }
    const held = fstatSync(fd);
    let current;
    try {
      current = lstatSync(path);
    } catch {
      current = undefined;
    }
    if (current !== undefined && current.dev === held.dev && current.ino === held.ino) {
      return {
        release() {
          unlinkSync(path);
          closeSync(fd);
        },
      };
    }
    closeSync(fd); // the previous holder unlinked it while we waited: lock the new file
  }
}
