// `block-drbd remove`: demote what add promoted, once nothing else on this host uses the resource.
// blkback lets go of the device asynchronously after libxl sees the backend Closed, so a demote
// that finds the device held open is retried until the budget ends.
import type { DrbdTarget, Resolved } from '../../drbd/drbd';
import { changeRole, switchTwoPrimaries } from '../../drbd/read-back';
import { listBackends, readFrontend, sameBackend } from '../../xenstore/backends';
import type { HotplugRequest } from './contract';
import { POLL_MS, failed, success, type Outcome, type Ports } from './ports';
import { parseTarget } from '../../drbd/target';

export async function runRemove(req: HotplugRequest, p: Ports): Promise<Outcome> {
  const be = req.backendPath;
  const params = await p.xs.read(`${be}/params`);
  if (params === undefined) {
    p.log.log('info', `${be}: no params (backend already gone); nothing to demote`);
    return success;
  }
  const parsed = parseTarget(params);
  if (!parsed.ok) return failed(parsed.error);
  const name = parsed.ref.name;
  const frontend = await readFrontend(p.xs, be);
  const migratedAway = frontend.name?.endsWith('--migratedaway') ?? false;
  // Without a record and outside a migration, every path below ends with nothing changed, whatever
  // DRBD and the other backends say: decided here, without the drbdsetup and flock processes
  // (the remove after a refused add, or of a resource that was Primary before). Read without the
  // lock: a record an add writes after this read is that add's promotion, not ours to undo.
  if (p.ledger.read(name) === undefined && !migratedAway) {
    p.log.log('info', `${name}: not promoted by block-drbd (no record of it); left in the role it has`);
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
    const lock = await p.lock();
    let heldOpen: string | undefined;
    try {
      // Backends libxl is already taking away (online=0: the same domain's other disks, removed
      // in parallel) are no longer users; counting them would leave the resource Primary.
      const users = (await listBackends(p.xs, req.basePath, req.deviceType)).filter(
        (o) => !sameBackend(o.path, be) && o.online && o.physicalDevice !== undefined && mine.has(o.physicalDevice),
      );
      if (users.length > 0) {
        p.log.log('info', `${name}: still used by ${users.map((u) => u.path).join(', ')}; left Primary`);
        return success;
      }
      if (p.mounts().some((m) => mine.has(m.device))) {
        p.log.log('warning', `${name}: a volume is mounted in dom0; left Primary`);
        return success;
      }
      const record = p.ledger.read(name);
      const state = await p.drbd.state(name, devices);
      if (state.role !== 'Primary') {
        // An add whose promote was stopped (a fence-peer handler that did not return): DRBD may
        // still complete it, so the record stays for 'xen-drbd reconcile' to demote it then.
        if (record?.unfinished === true) {
          p.log.log(
            'warning',
            `${name}: Secondary, but the promotion started for ${record.backend} did not finish and DRBD may still complete it; ` +
              `it stays recorded as block-drbd's, so that 'xen-drbd reconcile --apply' demotes it then`,
          );
        } else {
          p.ledger.clear(name);
        }
        if (record?.dualPrimary || migratedAway) await restoreSinglePrimary(p, target);
        return success;
      }
      if (record === undefined && !migratedAway) {
        p.log.log('info', `${name}: was Primary before block-drbd promoted it; left Primary`);
        return success;
      }
      attempts++;
      const r = await changeRole(p.drbd, target, devices, 'Secondary');
      if (r.ok) {
        p.ledger.clear(name);
        if (record?.dualPrimary || migratedAway) await restoreSinglePrimary(p, target);
        const waited = attempts > 1 ? ` after ${attempts} attempts` : '';
        p.log.log('notice', `${name}: demoted to Secondary${waited} (${be} removed)`);
        return success;
      }
      // Kept in the ledger: still ours to demote, by the next remove or `xen-drbd reconcile`.
      if (r.accepted) return failed(`${name}: LEFT PRIMARY: ${r.error.message}`);
      if (r.error.kind !== 'held-open') {
        return failed(`${name}: LEFT PRIMARY: DRBD refused to demote: ${r.error.message}`);
      }
      heldOpen = r.error.message;
      if (attempts === 1) p.log.log('debug', `${name}: held open (${heldOpen}); retrying the demotion until the budget runs out`);
    } finally {
      lock.release();
    }
    if (p.deadline.leaving(POLL_MS).expired()) {
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
async function restoreSinglePrimary(p: Ports, target: DrbdTarget): Promise<void> {
  const { name } = target;
  if ((await p.drbd.config(name))?.twoPrimaries) return;
  const r = await switchTwoPrimaries(p.drbd, target, false);
  if (r.ok) p.log.log('notice', `${name}: allow-two-primaries switched off again (single-primary)`);
  else p.log.log('err', `${name}: could not switch allow-two-primaries off: ${r.error.message}`);
}
