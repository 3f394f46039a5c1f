// The safety rules of `add`, as one pure function of what was observed. Every refusal says what was
// seen and what to do; `wait` means "not decidable yet, look again while the budget lasts".
import { formatRef, lacksQuorum, unreachable, type DiskState, type ResourceRef, type ResourceState } from '../drbd/types';
import { discardSteps } from '../drbd/split-brain-recovery';
import type { MigrationMode } from '../policy/policy';

export interface AddContext {
  readonly ref: ResourceRef;
  /** A live migration's destination side: xl's `--incoming` domain, libvirt's `migrate` hook call. */
  readonly incomingMigration: boolean;
  /** From the policy file; only an incoming migration consults it. */
  readonly migrationMode: MigrationMode;
  /** The config itself says allow-two-primaries (known only when migrationMode needs it). */
  readonly twoPrimariesConfigured?: boolean;
}

export type AddDecision =
  | {
      readonly kind: 'promote';
      readonly dualPrimary: boolean;
      /** DRBD 9: the migration's source; two primaries are allowed on the connection to it only. */
      readonly dualPrimaryPeer?: string;
      readonly warnings: readonly string[];
    }
  | { readonly kind: 'already-primary'; readonly warnings: readonly string[] }
  | { readonly kind: 'wait'; readonly reason: string }
  | { readonly kind: 'refuse'; readonly reason: RefusalReason };

/**
 * A refusal in words, given the peer's host name from the DRBD config (undefined: unknown). Only a
 * refusal names the peer, so only a refusal pays the drbdadm run that looks the name up.
 */
export type RefusalReason = (peerName: string | undefined) => string;

const SETTLING: ReadonlySet<DiskState> = new Set(['Attaching', 'Negotiating', 'Detaching']);

export function planAdd(s: ResourceState, ctx: AddContext): AddDecision {
  const res = formatRef(ctx.ref);
  const disks = s.volumes.map((v) => v.disk);
  const peerDisks = s.volumes.map((v) => v.peerDisk);
  const allUpToDate = disks.every((d) => d === 'UpToDate');
  const connected = s.link === 'Established' || s.link === 'SyncSource' || s.link === 'SyncTarget';

  if (s.volumes.length === 0) {
    return refuse(() => `${res}: DRBD reports no volume for this resource; is it up? Run 'drbdadm up ${s.name}'.`);
  }

  if (ctx.incomingMigration) return planIncoming(s, ctx, res, allUpToDate, peerDisks);

  if (s.peerRole === 'Primary') {
    return refuse(
      (peerName) =>
        `${res}: ${thePeer(peerName)} is Primary; refusing to start a second writer. ` +
        `Stop the domain on ${peerName ?? 'the other host'} first, or migrate it live ('xl migrate', 'virsh migrate --live').`,
    );
  }
  if (s.role === 'Primary') return { kind: 'already-primary', warnings: [] };
  if (lacksQuorum(s)) return refuse(() => `${res}: ${noQuorum(s)}. Start the domain on a host that has quorum.`);
  if (s.link === 'StandAlone') {
    return refuse(
      (peerName) =>
        `${res}: DRBD is StandAlone (${describeDisks(disks)}): not connected to ${thePeer(peerName)} and not trying ` +
        `(split-brain, or disconnected by hand). After a split-brain, ${discardSteps(s.name, 'stop the domains on it')}. ` +
        `If it was disconnected on purpose, 'drbdadm connect ${s.name}' on both hosts. Then start the domain again.`,
    );
  }
  if (disks.some((d) => SETTLING.has(d)) || s.link === 'Handshake') {
    return wait(`${res}: DRBD is settling (${s.connectionText}, ${describeDisks(disks)})`);
  }
  if (allUpToDate) return { kind: 'promote', dualPrimary: false, warnings: [] };

  // Some local disk is not UpToDate: legal only while an UpToDate peer serves the reads.
  const peerServes = s.volumes.every((v) => v.disk === 'UpToDate' || v.peerDisk === 'UpToDate');
  if (connected && peerServes) {
    return {
      kind: 'promote',
      dualPrimary: false,
      warnings: [
        `${res}: local disk is ${describeDisks(disks)} while connected to the peer, whose disk is UpToDate ` +
          `(${s.connectionText}): the domain depends on the replication link until the resync ends.`,
      ],
    };
  }
  if (s.link === 'Connecting') {
    return wait(
      `${res}: no UpToDate data reachable: local disk is ${describeDisks(disks)} and the peer is not ` + `connected (${s.connectionText})`,
    );
  }
  return refuse(
    (peerName) =>
      `${res}: no UpToDate data reachable: local disk is ${describeDisks(disks)}, ${thePeer(peerName)}'s is ` +
      `${describeDisks(peerDisks)} (${s.connectionText}). Start the domain where the data is UpToDate.`,
  );
}

function planIncoming(s: ResourceState, ctx: AddContext, res: string, allUpToDate: boolean, peerDisks: readonly DiskState[]): AddDecision {
  // A repeated claim after our own promote (libvirt's `prepare` after its `migrate`, both here):
  // with the source Primary too, the two primaries are already running.
  if (s.role === 'Primary') return { kind: 'already-primary', warnings: [] };
  if (s.link === 'Handshake') return wait(`${res}: DRBD is settling (${s.connectionText})`);
  // Each problem in words, given how the peer is named.
  const problems: Array<(peer: string) => string> = [];
  if (s.link !== 'Established') problems.push(() => `connection is ${s.connectionText}, not Connected`);
  if (!allUpToDate) problems.push(() => `local disk is ${describeDisks(s.volumes.map((v) => v.disk))}`);
  if (!peerDisks.every((d) => d === 'UpToDate')) problems.push((peer) => `${peer}'s disk is ${describeDisks(peerDisks)}`);
  if (s.peerRole !== 'Primary') problems.push((peer) => `${peer} is ${s.peerRole}, not Primary (the source should hold it)`);
  if (lacksQuorum(s)) problems.push(() => noQuorum(s));
  if (problems.length > 0) {
    return refuse(
      (peerName) =>
        `${res}: cannot take over for an incoming migration: ${problems.map((p) => p(thePeer(peerName))).join('; ')}. ` +
        `The domain keeps running on the source; fix the resource and migrate again.`,
    );
  }
  switch (ctx.migrationMode) {
    case 'runtime-dual-primary':
      return { kind: 'promote', dualPrimary: true, ...(s.peerName === undefined ? {} : { dualPrimaryPeer: s.peerName }), warnings: [] };
    case 'require-configured':
      if (ctx.twoPrimariesConfigured === true) return { kind: 'promote', dualPrimary: false, warnings: [] };
      return refuse(
        () =>
          `${res}: the resource is not configured 'allow-two-primaries yes;' and migrationMode ` +
          `"require-configured" forbids switching it on at run time. Configure it on both hosts ` +
          `('drbdadm adjust ${s.name}') or set migrationMode "runtime-dual-primary". ` +
          `The domain keeps running on the source.`,
      );
    case 'refuse':
      return refuse(
        () =>
          `${res}: live migration of DRBD-backed domains is disabled (migrationMode "refuse" in ` +
          `/etc/xen/xen-drbd.json). The domain keeps running on the source.`,
      );
    default:
      return unreachable(ctx.migrationMode);
  }
}

/**
 * DRBD 9's quorum lets only the partition that sees a majority of the resource's nodes write;
 * DRBD refuses the promotion itself, and forcing it would make the second writer quorum exists
 * to prevent.
 */
const noQuorum = (s: ResourceState): string =>
  `this host has no DRBD quorum (it sees too few of the resource's nodes: ${s.connectionText}); ` +
  `refusing to promote, and never with --force`;

function describeDisks(disks: readonly DiskState[]): string {
  const unique = [...new Set(disks)];
  return unique.length === 1 ? (unique[0] as string) : disks.join(',');
}

function thePeer(peerName: string | undefined): string {
  return peerName === undefined ? 'the peer' : `peer ${peerName}`;
}

const refuse = (reason: RefusalReason): AddDecision => ({ kind: 'refuse', reason });
const wait = (reason: string): AddDecision => ({ kind: 'wait', reason });
