// Text → state types. Unknown kinds are errors that quote the text: a state this code does not know
// must never be mistaken for a safe one.
import { DISK_STATES, ROLES, type DiskState, type Link, type Role } from '../types';

export class DrbdParseError extends Error {
  override readonly name = 'DrbdParseError';
}

export function parseRole(text: string): Role {
  const role = ROLES.find((r) => r === text);
  if (role === undefined) throw new DrbdParseError(`unknown DRBD role '${text}'`);
  return role;
}

export function parseDiskState(text: string): DiskState {
  const state = DISK_STATES.find((s) => s === text);
  if (state === undefined) throw new DrbdParseError(`unknown DRBD disk state '${text}'`);
  return state;
}

const CONNECTING = new Set([
  'Disconnecting',
  'Unconnected',
  'Timeout',
  'BrokenPipe',
  'NetworkFailure',
  'ProtocolError',
  'TearDown',
  'WFConnection',
  'WFReportParams',
  'Connecting',
]);
const ESTABLISHED = new Set(['Connected', 'Established', 'VerifyS', 'VerifyT', 'Ahead', 'Behind']);
const HANDSHAKE = new Set(['StartingSyncS', 'StartingSyncT', 'WFBitMapS', 'WFBitMapT', 'WFSyncUUID']);
const SYNC_SOURCE = new Set(['SyncSource', 'PausedSyncS']);
const SYNC_TARGET = new Set(['SyncTarget', 'PausedSyncT']);

/**
 * Folds a DRBD 8.4 connection state (`cs:` in /proc/drbd, `drbdadm cstate`) or a DRBD 9 replication
 * state into a Link.
 */
export function parseLink(text: string): Link {
  if (text === 'StandAlone') return 'StandAlone';
  if (CONNECTING.has(text)) return 'Connecting';
  if (ESTABLISHED.has(text)) return 'Established';
  if (HANDSHAKE.has(text)) return 'Handshake';
  if (SYNC_SOURCE.has(text)) return 'SyncSource';
  if (SYNC_TARGET.has(text)) return 'SyncTarget';
  throw new DrbdParseError(`unknown DRBD connection state '${text}'`);
}

/** DRBD 9 splits the link into a connection state and per-volume replication states. */
export function parseLink9(connectionState: string, replicationStates: readonly string[]): Link {
  if (connectionState !== 'Connected') return parseLink(connectionState);
  const links = replicationStates.map((r) => (r === 'Off' ? 'Handshake' : parseLink(r)));
  // The least settled volume speaks for the resource: a handshake anywhere means wait.
  for (const l of ['Handshake', 'SyncTarget', 'SyncSource'] as const) if (links.includes(l)) return l;
  return 'Established';
}

/** `Primary/Secondary` (8.4's `drbdadm role`, and /proc/drbd's `ro:`) → both roles. */
export function parseRolePair(text: string): { local: Role; peer: Role } {
  const [local, peer, extra] = text.trim().split('/');
  if (local === undefined || extra !== undefined) throw new DrbdParseError(`unexpected role text '${text}'`);
  return { local: parseRole(local), peer: parseRole(peer ?? 'Unknown') };
}

/** `UpToDate/Inconsistent` (8.4's `drbdadm dstate`, /proc/drbd's `ds:`) → both disk states. */
export function parseDiskPair(text: string): { local: DiskState; peer: DiskState } {
  const [local, peer, extra] = text.trim().split('/');
  if (local === undefined || peer === undefined || extra !== undefined) {
    throw new DrbdParseError(`unexpected disk state text '${text}'`);
  }
  return { local: parseDiskState(local), peer: parseDiskState(peer) };
}
