// `block-drbd add`: decide (plan.ts), promote if allowed, check sharing and hand the device to
// blkback, all under Xen's block lock. Any failure leaves the resource in the role it had.
import { DrbdError, type DrbdTarget } from '../../drbd/drbd';
import { changeRole, switchTwoPrimaries } from '../../drbd/read-back';
import type { BlockDevice } from '../../drbd/device';
import { formatRef, type ResourceRef } from '../../drbd/types';
import type { PromotionRecord } from '../../hotplug/ledger';
import { findSharingConflict } from '../../hotplug/sharing';
import { listBackends, readFrontend, sameBackend } from '../../xenstore/backends';
import { XenstoreError, XenstoreUnavailable } from '../../xenstore/client';
import type { StateWatch } from '../../drbd/watch';
import type { HotplugRequest } from './contract';
import { planAdd, type AddContext, type AddDecision } from './plan';
import { POLL_MS, failed, success, type Outcome, type Ports } from './ports';
import { parseTarget } from '../../drbd/target';

/** Everything add learned about the disk before deciding. */
interface Disk {
  readonly req: HotplugRequest;
  readonly ref: ResourceRef;
  /** How every command of this run reaches the resource. */
  readonly target: DrbdTarget;
  readonly device: BlockDevice;
  /** Every volume of the resource: the promote and the state cover them all. */
  readonly allDevices: readonly BlockDevice[];
  readonly mode: string;
  readonly vm?: string;
  readonly domain?: string;
  readonly incomingMigration: boolean;
}

export async function runAdd(req: HotplugRequest, p: Ports): Promise<Outcome> {
  const be = req.backendPath;
  if ((await p.xs.read(`${be}/physical-device`)) !== undefined) {
    p.log.log('debug', `${be}: physical-device already written; nothing to do`);
    return success; // libxl may run add twice
  }
  const params = await p.xs.read(`${be}/params`);
  if (params === undefined) return failed(`${be}: the backend has no 'params' key naming the DRBD resource`);
  const parsed = parseTarget(params);
  if (!parsed.ok) return failed(parsed.error);
  const ref = parsed.ref;
  const mode = (await p.xs.read(`${be}/mode`)) ?? 'w';
  const frontend = await readFrontend(p.xs, be);
  try {
    const { target, devices: named } = await p.drbd.resolve(ref);
    if (ref.volume === undefined && named.length > 1) {
      return failed(
        `${ref.name} has ${named.length} volumes (${named.map((d) => d.path).join(', ')}); ` +
          `name one per disk as ${ref.name}/VOLUME, e.g. 'drbd:${ref.name}/0'`,
      );
    }
    const disk: Disk = {
      req,
      ref,
      target,
      device: named[0] as BlockDevice,
      allDevices: ref.volume === undefined ? named : (await p.drbd.resolve({ name: ref.name }, target)).devices,
      mode,
      vm: frontend.vm,
      domain: frontend.name,
      incomingMigration: frontend.name?.endsWith('--incoming') ?? false,
    };
    return await decideAndTake(disk, p);
  } catch (e) {
    if (e instanceof DrbdError) return failed(e.message);
    throw e;
  }
}

// What a promotion needs left of the run's budget: the promotion itself and, if a later step fails,
// its undo. A run that gets here later than that (its start delayed on a dom0 short of CPU) refuses
// before promoting rather than be SIGKILLed by libxl with the resource Primary.
const PROMOTE_RESERVE_MS = 5000;

async function decideAndTake(disk: Disk, p: Ports): Promise<Outcome> {
  const { ref, incomingMigration } = disk;
  const mode = p.policy.migrationMode;
  const ctx: AddContext = {
    ref,
    incomingMigration,
    migrationMode: mode,
    // Only this mode needs the config's word, and only on the migration path.
    twoPrimariesConfigured: incomingMigration && mode === 'require-configured' ? await twoPrimariesInConfig(p, ref) : undefined,
  };
  const waitUntil = p.deadline.leaving(PROMOTE_RESERVE_MS).within(p.policy.promotableWaitSeconds * 1000);
  // Started at the first wait only: the path without one spawns nothing more.
  let waiting = false;
  let watch: StateWatch | undefined;
  try {
    for (;;) {
      const lock = await p.lock();
      try {
        const state = await p.drbd.state(ref.name, disk.allDevices);
        const decision = planAdd(state, ctx);
        // Only on refusal: naming the peer costs a drbdadm run the happy path does not pay.
        if (decision.kind === 'refuse') return failed(decision.reason(state.peerName ?? (await lookupPeer(p, ref))));
        if (decision.kind === 'promote' && p.deadline.remainingMs() < PROMOTE_RESERVE_MS) return tooLateToPromote(disk, p);
        if (decision.kind !== 'wait') return await takeDevice(disk, p, decision);
        if (waitUntil.expired()) {
          return failed(
            `${decision.reason}; still so after ${Math.round(waitUntil.budgetMs / 1000)} s. ` +
              `Check 'drbdadm status ${ref.name}' on both hosts.`,
          );
        }
        if (!waiting) {
          waiting = true;
          watch = p.drbd.watch(ref.name);
          p.log.log('info', `${decision.reason}; waiting up to ${Math.round(waitUntil.remainingMs() / 1000)} s for it to settle`);
        }
      } finally {
        lock.release();
      }
      // DRBD 9 tells each change as it happens; 8.4, or an events2 that stopped, is polled.
      if (watch === undefined || (await watch.next(waitUntil.remainingMs())) === 'ended') await waitUntil.sleep(POLL_MS);
    }
  } finally {
    await watch?.close();
  }
}

function tooLateToPromote(disk: Disk, p: Ports): Outcome {
  const leftS = (p.deadline.remainingMs() / 1000).toFixed(1);
  const usedS = (p.policy.budgetSeconds - p.deadline.remainingMs() / 1000).toFixed(1);
  return failed(
    `${formatRef(disk.ref)}: not promoted: ${usedS} s of this run's ${p.policy.budgetSeconds} s budget are gone ` +
      `(start-up and waits took them: is dom0 short of CPU?), and ${leftS} s is too little to promote and, if needed, ` +
      `undo it before libxl kills the script at 40 s. Nothing was changed; start the domain again.`,
  );
}

async function takeDevice(disk: Disk, p: Ports, decision: Extract<AddDecision, { kind: 'promote' | 'already-primary' }>): Promise<Outcome> {
  const { req, ref, device } = disk;
  const res = formatRef(ref);
  const dualPrimary = decision.kind === 'promote' && decision.dualPrimary;
  let promoted = false;
  if (decision.kind === 'promote') {
    // Written before the promotion: if libxl SIGKILLs this run, xen-hotplug.log still says how far it got.
    p.log.log('debug', `${res}: promoting${dualPrimary ? ' (dual-primary for the incoming migration)' : ''} for ${req.backendPath}`);
    const earlier = p.ledger.read(ref.name);
    const record: PromotionRecord = {
      resource: ref.name,
      backend: req.backendPath,
      at: new Date().toISOString(),
      dualPrimary: dualPrimary || (earlier?.dualPrimary ?? false),
    };
    p.ledger.write(record);
    if (dualPrimary) {
      const two = await switchTwoPrimaries(p.drbd, disk.target, true, decision.dualPrimaryPeer);
      if (!two.ok) {
        // Whatever DRBD made of it, the switch goes back off (harmless where it never came on).
        await undo(p, disk, false, true);
        return failed(`${res}: cannot allow two primaries for the incoming migration: ${two.error.message}`);
      }
    }
    const startedMs = p.deadline.elapsedMs();
    const r = await changeRole(p.drbd, disk.target, disk.allDevices, 'Primary');
    if (!r.ok && !r.accepted && r.error.kind === 'timed-out') {
      return await promotionUnfinished(disk, p, record, dualPrimary, (p.deadline.elapsedMs() - startedMs) / 1000);
    }
    if (!r.ok) {
      // Accepted but not (or not wholly) applied, or not read back: step back as from a promotion.
      await undo(p, disk, r.accepted, dualPrimary);
      if (!r.accepted) return failed(`${res}: DRBD refused to promote: ${r.error.message}`);
      return failed(
        r.error.kind === 'not-applied'
          ? `${res}: ${r.error.message}`
          : `${res}: promoted, then could not read the role back: ${r.error.message}`,
      );
    }
    promoted = true;
    const after = r.state;
    // A simultaneous start on the peer of a dual-primary resource can slip past the first look.
    if (!dualPrimary && after.peerRole === 'Primary') {
      await undo(p, disk, true, false);
      return failed(
        `${res}: the peer became Primary while this host promoted; refusing to run two writers. ` +
          `Both hosts stepped back; start the domain on one host only.`,
      );
    }
  }

  const be = req.backendPath;
  try {
    const others = (await listBackends(p.xs, req.basePath, req.deviceType)).filter((o) => !sameBackend(o.path, be));
    const conflict = findSharingConflict({ device: device.hex, path: device.path, mode: disk.mode, vm: disk.vm }, others, p.mounts());
    if (conflict !== undefined) {
      if (promoted) await undo(p, disk, true, dualPrimary);
      return failed(`${res}: ${conflict.message}`, 'busy');
    }
    await p.xs.write(`${be}/physical-device`, device.hex);
    await p.xs.write(`${be}/physical-device-path`, device.path);
    await p.xs.write(`${be}/hotplug-status`, 'connected');
  } catch (e) {
    // xenstore failed half-way: take back what blkback could act on and the promotion.
    await p.xs.rm(`${be}/physical-device`).catch(() => undefined);
    const back = promoted ? await undo(p, disk, true, dualPrimary) : true;
    if (!(e instanceof XenstoreError || e instanceof XenstoreUnavailable)) throw e;
    const role = !promoted ? 'nothing was changed' : back ? `${ref.name} was demoted again` : `${ref.name} is LEFT PRIMARY (see the log)`;
    return failed(`${res}: ${e.message}; ${role}`);
  }
  for (const w of decision.warnings) p.log.log('warning', w);
  const how = promoted ? (dualPrimary ? 'promoted (dual-primary for the migration)' : 'promoted') : 'already Primary';
  p.log.log('notice', `${res}: ${how}; ${device.path} (${device.hex}) given to ${disk.domain ?? 'the domain'} via ${be}`);
  return success;
}

/**
 * The promote command was stopped at its time limit. DRBD runs a fence-peer handler inside the
 * promotion (fencing on, peer unreachable) and completes the promotion whenever the handler returns,
 * whatever became of the command; on 8.4 its other commands wait for the handler too, so a demote
 * cannot help now. The record stays, marked unfinished: `remove` keeps it, and `xen-drbd reconcile
 * --apply` demotes the resource once the promotion has completed with no domain using it.
 */
async function promotionUnfinished(disk: Disk, p: Ports, record: PromotionRecord, dualPrimary: boolean, waitedS: number): Promise<Outcome> {
  const { ref } = disk;
  const res = formatRef(ref);
  p.ledger.write({ ...record, unfinished: true });
  // /proc/drbd on 8.4: read without waiting for the handler.
  const now = await p.drbd.state(ref.name, disk.allDevices);
  if (now.role === 'Primary') {
    await undo(p, disk, true, dualPrimary);
    return failed(
      `${res}: the promotion took longer than this run could wait (${waitedS.toFixed(1)} s) and was undone; start the domain again`,
    );
  }
  const later = (when: string) =>
    `${when}, DRBD may still complete the promotion: ${ref.name} stays recorded as promoted by block-drbd, ` +
    `and 'xen-drbd reconcile --apply' demotes it once no domain uses it.`;
  // The config is read by drbdadm alone (no kernel call), so the handler cannot block it.
  const fencing = (await p.drbd.config(ref.name))?.fencing;
  if (fencing === undefined) {
    return failed(
      `${res}: the promotion did not finish within ${waitedS.toFixed(1)} s and was stopped. ${later('Later')} ` +
        `Check 'drbdadm status ${ref.name}' and the kernel log ('dmesg').`,
    );
  }
  return failed(
    `${res}: the promotion did not finish within ${waitedS.toFixed(1)} s: DRBD is waiting for the fence-peer handler ` +
      `${fencing.handler} (fencing ${fencing.policy}), which it runs before promoting while the peer's disk state is unknown. ` +
      `Find out why the handler does not return. ${later('When it returns')}`,
  );
}

/**
 * Puts the resource back as it was before this add: Secondary, single-primary, no record. Each step
 * is read back; the record stays while the resource is still Primary, so `remove` or `xen-drbd
 * reconcile` can finish the job. False: left Primary.
 */
async function undo(p: Ports, disk: Disk, demote: boolean, dualPrimary: boolean): Promise<boolean> {
  const name = disk.ref.name;
  let leftPrimary = false;
  if (demote) {
    const r = await changeRole(p.drbd, disk.target, disk.allDevices, 'Secondary');
    if (!r.ok) {
      leftPrimary = true;
      p.log.log('err', `${name}: LEFT PRIMARY: could not demote while undoing add: ${r.error.message}`);
    }
  }
  if (dualPrimary) {
    const r = await switchTwoPrimaries(p.drbd, disk.target, false);
    if (!r.ok) p.log.log('err', `${name}: allow-two-primaries left on at runtime: ${r.error.message}`);
  }
  if (!leftPrimary) p.ledger.clear(name);
  return !leftPrimary;
}

async function twoPrimariesInConfig(p: Ports, ref: ResourceRef): Promise<boolean> {
  return (await p.drbd.config(ref.name))?.twoPrimaries ?? false;
}

async function lookupPeer(p: Ports, ref: ResourceRef): Promise<string | undefined> {
  return (await p.drbd.config(ref.name))?.peers[0];
}
