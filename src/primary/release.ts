// Giving a resource's Primary role back, whichever front door asks (block-drbd's remove, the
// libvirt hook): demote what a claim promoted, once nothing else on this host uses the resource.
// blkback (or qemu) lets go of the device asynchronously, so a demote that finds the device held
// open is retried until the budget ends.
import type { DrbdTarget, Resolved } from '../drbd/drbd';
import { changeRole, switchTwoPrimaries } from '../drbd/read-back';
import type { ResourceName } from '../drbd/types';
import { LockTimeout, type HeldLock } from '../hotplug/lock';
import { POLL_MS, failed, success, type Outcome, type PrimaryPorts } from './ports';

/** Something else on this host that still uses the resource: the reason to leave it Primary. */
export interface OtherUse {
  readonly level: 'info' | 'warning';
  readonly message: string;
}

export interface Release {
  readonly name: ResourceName;
  /** What is going away, for the log line: a backend path, a domain. */
  readonly leaving: string;
  /** A live migration's source: ours to demote even without a record (the destination wrote its own). */
  readonly migratedAway: boolean;
  /** Asked under the lock before each demotion; `mine`: the resource's devices as `major:minor` in hex. */
  otherUse(mine: ReadonlySet<string>): Promise<OtherUse | undefined>;
}

/** What a demotion attempt is given at least; DRBD answers one in well under a second. */
const ATTEMPT_RESERVE_MS = 2000;

export async function release(rel: Release, p: PrimaryPorts): Promise<Outcome> {
  const { name, migratedAway } = rel;
  // Without a record and outside a migration, every path below ends with nothing changed, whatever
  // DRBD and the other users say: decided here, without the drbdsetup and flock processes (the
  // release after a refused claim, or of a resource that was Primary before). Read without the
  // lock: a record a claim writes after this read is that claim's promotion, not ours to undo.
  if (p.ledger.read(name) === undefined && !migratedAway) {
    p.log.log('info', `${name}: not promoted by xen-drbd (no record of it); left in the role it has`);
    return success;
  }
  let resolved: Resolved;
  try {
    resolved = await p.drbd.resolve({ name });
  } catch (e) {
    p.log.log('warning', `${name}: ${(e as Error).message}; nothing to demote`);
    return success;
  }
  const { target, devices } = resolved;
  const mine = new Set(devices.map((d) => d.hex));
  let attempts = 0;

  for (;;) {
    let lock: HeldLock;
    try {
      lock = await p.lock();
    } catch (e) {
      if (!(e instanceof LockTimeout)) throw e;
      return failed(`${name}: LEFT PRIMARY: ${e.message}. 'xen-drbd reconcile' shows it and how to demote it once nothing uses it.`);
    }
    let heldOpen: string | undefined;
    try {
      const other = await rel.otherUse(mine);
      if (other !== undefined) {
        p.log.log(other.level, `${name}: ${other.message}; left Primary`);
        return success;
      }
      const record = p.ledger.read(name);
      const state = await p.drbd.state(name, devices);
      if (state.role !== 'Primary') {
        // A claim whose promote was stopped (a fence-peer handler that did not return): DRBD may
        // still complete it, so the record stays for 'xen-drbd reconcile' to demote it then.
        if (record?.unfinished === true) {
          p.log.log(
            'warning',
            `${name}: Secondary, but the promotion started for ${record.backend} did not finish and DRBD may still complete it; ` +
              `it stays recorded as xen-drbd's, so that 'xen-drbd reconcile --apply' demotes it then`,
          );
        } else {
          p.ledger.clear(name);
        }
        if (record?.dualPrimary || migratedAway) await restoreSinglePrimary(p, target);
        return success;
      }
      if (record === undefined && !migratedAway) {
        p.log.log('info', `${name}: was Primary before xen-drbd promoted it; left Primary`);
        return success;
      }
      attempts++;
      const r = await changeRole(p.drbd, target, devices, 'Secondary');
      if (r.ok) {
        p.ledger.clear(name);
        // The peer Primary now: this host was a migration's source, whatever its record says.
        if (record?.dualPrimary || migratedAway || r.state.peerRole === 'Primary') await restoreSinglePrimary(p, target);
        const waited = attempts > 1 ? ` after ${attempts} attempts` : '';
        p.log.log('notice', `${name}: demoted to Secondary${waited} (${rel.leaving})`);
        return success;
      }
      // Kept in the ledger: still ours to demote, by the next release or `xen-drbd reconcile`.
      if (r.accepted) return failed(`${name}: LEFT PRIMARY: ${r.error.message}`);
      if (r.error.kind !== 'held-open') {
        return failed(`${name}: LEFT PRIMARY: DRBD refused to demote: ${r.error.message}`);
      }
      heldOpen = r.error.message;
      if (attempts === 1) p.log.log('debug', `${name}: held open (${heldOpen}); retrying the demotion until the budget runs out`);
    } finally {
      lock.release();
    }
    // Another attempt only with time left for its command: one cut off by the budget (a dom0 short
    // of CPU) would end on "did not finish" instead of what kept the device: its holder.
    if (p.deadline.leaving(POLL_MS + ATTEMPT_RESERVE_MS).expired()) {
      return failed(
        `${name}: LEFT PRIMARY: the device is still held open after ${attempts} attempts over ` +
          `${Math.round(p.deadline.elapsedMs() / 1000)} s (${heldOpen}). Find the holder ` +
          `('fuser -vm ${devices[0]?.path ?? '/dev/drbdN'}'), stop it, then 'drbdadm secondary ${name}'.`,
      );
    }
    await p.deadline.sleep(POLL_MS);
  }
}

/** After the migration window: back to single-primary unless the config itself allows two. */
async function restoreSinglePrimary(p: PrimaryPorts, target: DrbdTarget): Promise<void> {
  const { name } = target;
  if ((await p.drbd.config(name))?.twoPrimaries) return;
  const r = await switchTwoPrimaries(p.drbd, target, false);
  if (r.ok) p.log.log('notice', `${name}: allow-two-primaries switched off again (single-primary)`);
  else p.log.log('err', `${name}: could not switch allow-two-primaries off: ${r.error.message}`);
}
