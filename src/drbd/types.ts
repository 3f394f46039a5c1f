// The DRBD domain as types: roles, disk states, connection states and what one observation of a
// resource holds. DRBD 8.4 and 9 spell most states alike; where they differ the parsers normalise.

export type Role = 'Primary' | 'Secondary' | 'Unknown';

export type DiskState =
  'Diskless' | 'Attaching' | 'Detaching' | 'Failed' | 'Negotiating' | 'Inconsistent' | 'Outdated' | 'DUnknown' | 'Consistent' | 'UpToDate';

/** How this node's link to the peer stands, folded from 8.4's cs and 9's connection+replication states. */
export type Link =
  /** Not connected and not trying (after split-brain, or `drbdadm disconnect`). */
  | 'StandAlone'
  /** Trying to reach the peer (WFConnection, Connecting, NetworkFailure, ...). */
  | 'Connecting'
  /** Connected and replicating normally. */
  | 'Established'
  /** Connected; this node sends a resync (its data is the good copy). */
  | 'SyncSource'
  /** Connected; this node receives a resync (its data becomes good as it goes). */
  | 'SyncTarget'
  /** Connected, handshake or bitmap exchange in progress: a state that passes by itself. */
  | 'Handshake';

export const ROLES: readonly Role[] = ['Primary', 'Secondary', 'Unknown'];
export const DISK_STATES: readonly DiskState[] = [
  'Diskless',
  'Attaching',
  'Detaching',
  'Failed',
  'Negotiating',
  'Inconsistent',
  'Outdated',
  'DUnknown',
  'Consistent',
  'UpToDate',
];

/** A resource name drbdadm accepts, checked once at the edge (see target.ts). */
export type ResourceName = string & { readonly __brand: 'ResourceName' };

/** One resource, or one volume of a multi-volume resource (`r1/0`). */
export interface ResourceRef {
  readonly name: ResourceName;
  readonly volume?: number;
}

export interface VolumeState {
  readonly minor: number;
  /** Volume number where the source tells it (DRBD 9); 8.4's /proc/drbd only knows minors. */
  readonly volume?: number;
  /** This volume's own role where DRBD keeps one per minor (8.4); DRBD 9 has one per resource. */
  readonly role?: Role;
  readonly disk: DiskState;
  readonly peerDisk: DiskState;
  /** DRBD 9 with a `quorum` option: false when this node does not see enough nodes to write. */
  readonly quorum?: false;
}

/** One observation of a resource on this host. */
export interface ResourceState {
  readonly name: ResourceName;
  readonly role: Role;
  readonly peerRole: Role;
  readonly link: Link;
  /** DRBD 9: the name of the connection that speaks for the peers (peerRole, link, peerDisk). */
  readonly peerName?: string;
  /** The raw connection state as DRBD printed it, for messages. */
  readonly connectionText: string;
  readonly volumes: readonly VolumeState[];
}

/** DRBD 9: some volume lacks quorum on this host (it sees too few of the resource's nodes). */
export const lacksQuorum = (s: ResourceState): boolean => s.volumes.some((v) => v.quorum === false);

export type DrbdGeneration = '8.4' | '9';

export function formatRef(ref: ResourceRef): string {
  return ref.volume === undefined ? ref.name : `${ref.name}/${ref.volume}`;
}

/** For exhaustive switches: a new state breaks the build instead of slipping through. */
export function unreachable(value: never): never {
  throw new Error(`unhandled value ${JSON.stringify(value)}`);
}
