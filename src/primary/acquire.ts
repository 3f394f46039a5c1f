// Taking a resource's Primary role for one user, whichever front door asks (block-drbd's add, the
// libvirt hook): decide (plan.ts) under Xen's block lock, wait while DRBD settles, promote with the
// ledger record written first, read the role back, then let the front door hand the device over.
// Any failure leaves the resource in the role it had.
import type { BlockDevice } from '../drbd/device';
import { DrbdError, type DrbdTarget } from '../drbd/drbd';
import { changeRole, switchTwoPrimaries } from '../drbd/read-back';
import { formatRef, type ResourceRef } from '../drbd/types';
import type { StateWatch } from '../drbd/watch';
import type { PromotionRecord } from '../hotplug/ledger';
import { LockTimeout } from '../hotplug/lock';
import { planAdd, type AddContext, type AddDecision } from './plan';
import { POLL_MS, failed, success, type Outcome, type PrimaryPorts } from './ports';

/** One user's claim on a resource, as the front door resolved it. */
export interface Claim {
  readonly ref: ResourceRef;
  /** How every command of this run reaches the resource. */
  readonly target: DrbdTarget;
  /** Every volume of the resource: the promote and the state cover them all. */
  readonly allDevices: readonly BlockDevice[];
  /** Who the promotion is for, as the ledger records it: a backend path, or `libvirt:DRIVER/DOMAIN`. */
  readonly holder: string;
  /** The destination side of a live migration: the source still holds the resource. */
  readonly incomingMigration: boolean;
}

export type HandOverResult =
  | { readonly ok: true; /** The end of the success line: where the device went. */ readonly given: string }
  | {
      readonly ok: false;
      readonly status: 'error' | 'busy';
      /** The failure in words, given what became of the role (the promotion, if any, is undone first). */
      readonly message: (roleAfter: string) => string;
    };

/** The front door's last step; a throw takes the promotion back, then travels on. */
export type HandOver = () => Promise<HandOverResult>;

// What a promotion needs left of the run's budget: the promotion itself and, if a later step fails,
// its undo. A run that gets here later than that (its start delayed on a dom0 short of CPU) refuses
// before promoting rather than be SIGKILLed by libxl with the resource Primary.
const PROMOTE_RESERVE_MS = 5000;

export async function acquire(claim: Claim, p: PrimaryPorts, handOver: HandOver): Promise<Outcome> {
  try {
    return await decideAndTake(claim, p, handOver);
  } catch (e) {
    if (e instanceof DrbdError) return failed(e.message);
    // Every look and the promotion itself happen under the lock: without it nothing was changed.
    if (e instanceof LockTimeout) {
      return failed(`${formatRef(claim.ref)}: not promoted: ${e.message}. Nothing was changed; start the domain again.`);
    }
    throw e;
  }
}

async function decideAndTake(claim: Claim, p: PrimaryPorts, handOver: HandOver): Promise<Outcome> {
  const { ref, incomingMigration } = claim;
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
        const state = await p.drbd.state(ref.name, claim.allDevices);
        const decision = planAdd(state, ctx);
        // Only on refusal: naming the peer costs a drbdadm run the happy path does not pay.
        if (decision.kind === 'refuse') return failed(decision.reason(state.peerName ?? (await lookupPeer(p, ref))));
        if (decision.kind === 'promote' && p.deadline.remainingMs() < PROMOTE_RESERVE_MS) return tooLateToPromote(claim, p);
        if (decision.kind !== 'wait') return await take(claim, p, decision, handOver);
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

function tooLateToPromote(claim: Claim, p: PrimaryPorts): Outcome {
  const leftS = (p.deadline.remainingMs() / 1000).toFixed(1);
  const usedS = (p.policy.budgetSeconds - p.deadline.remainingMs() / 1000).toFixed(1);
  return failed(
    `${formatRef(claim.ref)}: not promoted: ${usedS} s of this run's ${p.policy.budgetSeconds} s budget are gone ` +
      `(start-up and waits took them: is dom0 short of CPU?), and ${leftS} s is too little to promote and, if needed, ` +
      `undo it before the run's time is up. Nothing was changed; start the domain again.`,
  );
}

async function take(
  claim: Claim,
  p: PrimaryPorts,
  decision: Extract<AddDecision, { kind: 'promote' | 'already-primary' }>,
  handOver: HandOver,
): Promise<Outcome> {
  const { ref } = claim;
  const res = formatRef(ref);
  const dualPrimary = decision.kind === 'promote' && decision.dualPrimary;
  let promoted = false;
  if (decision.kind === 'promote') {
    // Written before the promotion: if the run is SIGKILLed, the log still says how far it got.
    p.log.log('debug', `${res}: promoting${dualPrimary ? ' (dual-primary for the incoming migration)' : ''} for ${claim.holder}`);
    const earlier = p.ledger.read(ref.name);
    const record: PromotionRecord = {
      resource: ref.name,
      backend: claim.holder,
      at: new Date().toISOString(),
      dualPrimary: dualPrimary || (earlier?.dualPrimary ?? false),
    };
    p.ledger.write(record);
    if (dualPrimary) {
      const two = await switchTwoPrimaries(p.drbd, claim.target, true, decision.dualPrimaryPeer);
      if (!two.ok) {
        // Whatever DRBD made of it, the switch goes back off (harmless where it never came on).
        await undo(p, claim, false, true);
        return failed(`${res}: cannot allow two primaries for the incoming migration: ${two.error.message}`);
      }
    }
    const startedMs = p.deadline.elapsedMs();
    const r = await changeRole(p.drbd, claim.target, claim.allDevices, 'Primary');
    if (!r.ok && !r.accepted && r.error.kind === 'timed-out') {
      return await promotionUnfinished(claim, p, record, dualPrimary, (p.deadline.elapsedMs() - startedMs) / 1000);
    }
    if (!r.ok) {
      // Accepted but not (or not wholly) applied, or not read back: step back as from a promotion.
      await undo(p, claim, r.accepted, dualPrimary);
      if (!r.accepted) return failed(`${res}: DRBD refused to promote: ${r.error.message}`);
      return failed(
        r.error.kind === 'not-applied'
          ? `${res}: ${r.error.message}`
          : `${res}: promoted, then could not read the role back: ${r.error.message}`,
      );
    }
    promoted = true;
    // A simultaneous start on the peer of a dual-primary resource can slip past the first look.
    if (!dualPrimary && r.state.peerRole === 'Primary') {
      await undo(p, claim, true, false);
      return failed(
        `${res}: the peer became Primary while this host promoted; refusing to run two writers. ` +
          `Both hosts stepped back; start the domain on one host only.`,
      );
    }
  }

  let handed: HandOverResult;
  try {
    handed = await handOver();
  } catch (e) {
    if (promoted) await undo(p, claim, true, dualPrimary);
    throw e;
  }
  if (!handed.ok) {
    const back = promoted ? await undo(p, claim, true, dualPrimary) : true;
    const role = !promoted ? 'nothing was changed' : back ? `${ref.name} was demoted again` : `${ref.name} is LEFT PRIMARY (see the log)`;
    return failed(handed.message(role), handed.status);
  }
  for (const w of decision.warnings) p.log.log('warning', w);
  const how = promoted ? (dualPrimary ? 'promoted (dual-primary for the migration)' : 'promoted') : 'already Primary';
  p.log.log('notice', `${res}: ${how}; ${handed.given}`);
  return success;
}

/**
 * The promote command was stopped at its time limit. DRBD runs a fence-peer handler inside the
 * promotion (fencing on, peer unreachable) and completes the promotion whenever the handler returns,
 * whatever became of the command; on 8.4 its other commands wait for the handler too, so a demote
 * cannot help now. The record stays, marked unfinished: the release keeps it, and `xen-drbd
 * reconcile --apply` demotes the resource once the promotion has completed with no domain using it.
 */
async function promotionUnfinished(
  claim: Claim,
  p: PrimaryPorts,
  record: PromotionRecord,
  dualPrimary: boolean,
  waitedS: number,
): Promise<Outcome> {
  const { ref } = claim;
  const res = formatRef(ref);
  p.ledger.write({ ...record, unfinished: true });
  // /proc/drbd on 8.4: read without waiting for the handler.
  const now = await p.drbd.state(ref.name, claim.allDevices);
  if (now.role === 'Primary') {
    await undo(p, claim, true, dualPrimary);
    return failed(
      `${res}: the promotion took longer than this run could wait (${waitedS.toFixed(1)} s) and was undone; start the domain again`,
    );
  }
  const later = (when: string) =>
    `${when}, DRBD may still complete the promotion: ${ref.name} stays recorded as promoted by xen-drbd, ` +
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
 * Puts the resource back as it was before this claim: Secondary, single-primary, no record. Each step
 * is read back; the record stays while the resource is still Primary, so the release or `xen-drbd
 * reconcile` can finish the job. False: left Primary.
 */
async function undo(p: PrimaryPorts, claim: Claim, demote: boolean, dualPrimary: boolean): Promise<boolean> {
  const name = claim.ref.name;
  let leftPrimary = false;
  if (demote) {
    const r = await changeRole(p.drbd, claim.target, claim.allDevices, 'Secondary');
    if (!r.ok) {
      leftPrimary = true;
      p.log.log('err', `${name}: LEFT PRIMARY: could not demote while undoing the promotion: ${r.error.message}`);
    }
  }
  if (dualPrimary) {
    const r = await switchTwoPrimaries(p.drbd, claim.target, false);
    if (!r.ok) p.log.log('err', `${name}: allow-two-primaries left on at runtime: ${r.error.message}`);
  }
  if (!leftPrimary) p.ledger.clear(name);
  return !leftPrimary;
}

async function twoPrimariesInConfig(p: PrimaryPorts, ref: ResourceRef): Promise<boolean> {
  return (await p.drbd.config(ref.name))?.twoPrimaries ?? false;
}

async function lookupPeer(p: PrimaryPorts, ref: ResourceRef): Promise<string | undefined> {
  return (await p.drbd.config(ref.name))?.peers[0];
}
