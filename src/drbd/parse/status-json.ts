// DRBD 9: `drbdsetup status RES --json`. Unknown keys are ignored (newer drbd-utils add some);
// unknown state names are errors.
import type { ResourceName, ResourceState, Role, VolumeState } from '../types';
import { DrbdParseError, parseDiskState, parseLink9, parseRole } from './states';

interface JsonDevice {
  volume: number;
  minor: number;
  'disk-state': string;
  /** false: this node lacks quorum for the volume (a `quorum` option is set and too few nodes are seen). */
  quorum?: boolean;
}
interface JsonPeerDevice {
  volume: number;
  'replication-state': string;
  'peer-disk-state': string;
}
interface JsonConnection {
  name?: string;
  'peer-node-id'?: number;
  'connection-state': string;
  'peer-role': string;
  peer_devices?: JsonPeerDevice[];
}
interface JsonResource {
  name: string;
  role: string;
  devices?: JsonDevice[];
  connections?: JsonConnection[];
}

export function parseStatusJson(text: string): ResourceState[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new DrbdParseError(`drbdsetup status --json: not JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(data)) throw new DrbdParseError('drbdsetup status --json: expected a list of resources');
  return (data as JsonResource[]).map(toResourceState);
}

function toResourceState(r: JsonResource): ResourceState {
  if (typeof r.name !== 'string' || typeof r.role !== 'string') {
    throw new DrbdParseError('drbdsetup status --json: resource without name or role');
  }
  // With several peers, the one that matters most speaks for them: a Primary (a second writer),
  // else a connected peer with UpToDate data for every volume (it can serve the reads), else a
  // connected one, else the first.
  const connections = r.connections ?? [];
  const connected = connections.filter((c) => c['connection-state'] === 'Connected');
  const servesAll = (c: JsonConnection) =>
    (r.devices ?? []).every((d) => c.peer_devices?.some((p) => p.volume === d.volume && p['peer-disk-state'] === 'UpToDate'));
  const peer = connections.find((c) => c['peer-role'] === 'Primary') ?? connected.find(servesAll) ?? connected[0] ?? connections[0];
  const peerDevices = peer?.peer_devices ?? [];
  const volumes: VolumeState[] = (r.devices ?? []).map((d) => {
    const pd = peerDevices.find((p) => p.volume === d.volume);
    return {
      minor: d.minor,
      volume: d.volume,
      disk: parseDiskState(d['disk-state']),
      peerDisk: pd === undefined ? 'DUnknown' : parseDiskState(pd['peer-disk-state']),
      ...(d.quorum === false ? { quorum: false } : {}),
    };
  });
  const peerRole: Role = peer === undefined ? 'Unknown' : parseRole(peer['peer-role']);
  return {
    name: r.name as ResourceName,
    role: parseRole(r.role),
    peerRole,
    ...(peer?.name === undefined ? {} : { peerName: peer.name }),
    link:
      peer === undefined
        ? 'StandAlone'
        : parseLink9(
            peer['connection-state'],
            peerDevices.map((p) => p['replication-state']),
          ),
    // Several peers: each one's state, by name, so a message shows the whole picture.
    connectionText:
      peer === undefined
        ? 'StandAlone'
        : connections.length === 1
          ? peer['connection-state']
          : connections.map((c) => `${c.name ?? `node ${c['peer-node-id'] ?? '?'}`} ${c['connection-state']}`).join(', '),
    volumes,
  };
}
