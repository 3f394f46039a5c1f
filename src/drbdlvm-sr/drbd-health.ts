// Is the DRBD device fit for what a command needs? Pure: one observation in, a verdict out.
// 'peer' = the command writes where both hosts must agree (LVM metadata on the master; a VM writing
// on this host while other VMs of the SR write on the peer): Connected and UpToDate on both sides.
// 'local' = the command only reads or writes through this host while no other host writes: this
// host's data must be good (UpToDate, or a SyncTarget whose peer serves the blocks not yet synced).
import { discardSteps } from '../drbd/split-brain-recovery';
import type { ResourceState } from '../drbd/types';
import type { SrErrorName } from './errors';

export type Health = { readonly ok: true } | { readonly ok: false; readonly error: SrErrorName; readonly reason: string };

const OK: Health = { ok: true };

/** DRBD's documented manual split-brain recovery; the driver never discards data by itself. */
export function standAloneRecovery(resource: string): string {
  return (
    `replication of '${resource}' has stopped (StandAlone). If this follows a split-brain, ` +
    `${discardSteps(resource, 'stop the VMs of the SR')}. ` +
    `If it was disconnected on purpose, 'drbdadm connect ${resource}' on both (with both hosts Primary, as the SR ` +
    `keeps them, DRBD then reports a split-brain: each side started new data when the link went; resolve it as above). ` +
    `'xen-drbd status' shows both sides`
  );
}

export function peerHealth(s: ResourceState): Health {
  if (s.link === 'StandAlone') return { ok: false, error: 'DrbdStandAlone', reason: standAloneRecovery(s.name) };
  if (s.link === 'Connecting' || s.link === 'Handshake') {
    return {
      ok: false,
      error: 'DrbdNotConnected',
      reason: `'${s.name}' is ${s.connectionText}, not Connected to its peer; this operation needs both hosts in sync`,
    };
  }
  const local = s.volumes.find((v) => v.disk !== 'UpToDate');
  if (local !== undefined) {
    return {
      ok: false,
      error: 'DrbdLocalNotUpToDate',
      reason: `'${s.name}' minor ${local.minor} is ${local.disk} here, not UpToDate (${s.connectionText})`,
    };
  }
  const peer = s.volumes.find((v) => v.peerDisk !== 'UpToDate');
  if (peer !== undefined) {
    return {
      ok: false,
      error: 'DrbdPeerNotUpToDate',
      reason: `'${s.name}' minor ${peer.minor}: the peer disk is ${peer.peerDisk}, not UpToDate (${s.connectionText})`,
    };
  }
  if (s.volumes.length === 0) return { ok: false, error: 'DrbdResourceMissing', reason: `'${s.name}' has no volumes up on this host` };
  return OK;
}

export function localHealth(s: ResourceState): Health {
  if (s.volumes.length === 0) return { ok: false, error: 'DrbdResourceMissing', reason: `'${s.name}' has no volumes up on this host` };
  for (const v of s.volumes) {
    if (v.disk === 'UpToDate') continue;
    // A SyncTarget reads the blocks it still lacks from the peer: usable while the peer is good.
    if (v.disk === 'Inconsistent' && s.link === 'SyncTarget' && v.peerDisk === 'UpToDate') continue;
    return {
      ok: false,
      error: 'DrbdLocalNotUpToDate',
      reason: `'${s.name}' minor ${v.minor} is ${v.disk} here (${s.connectionText}); this host's copy is not usable`,
    };
  }
  return OK;
}

/**
 * sr_attach: this host's copy usable and the peer connected (a resync in either direction is fine).
 * A host whose resource is StandAlone or still looking for its peer does not join the SR: it would
 * write where the other host cannot see it.
 */
export function attachHealth(s: ResourceState): Health {
  if (s.link === 'StandAlone' || s.link === 'Connecting' || s.link === 'Handshake') return peerHealth(s);
  return localHealth(s);
}

/** States that pass by themselves within seconds (a just-started resource finding its peer). */
export function settling(s: ResourceState): boolean {
  return s.link === 'Connecting' || s.link === 'Handshake';
}
