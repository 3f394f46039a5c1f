// DRBD 9: `drbdsetup status RES --json`. Unknown keys are ignored (newer drbd-utils add some);
// unknown state names are errors.
import type { ResourceName, ResourceState, Role, VolumeState } from '../types';
import { DrbdParseError, parseDiskState, parseLink9, parseRole } from './states';

interface JsonDevice {
  volume: number;
  minor: number;
  'disk-state': string;
}
interface JsonPeerDevice {
  volume: number;
  'replication-state': string;
  'peer-disk-state': string;
}
interface JsonConnection {
  name?: string;
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
  // A two-host setup has one connection; with more, the most dangerous peer decides.
  const connections = r.connections ?? [];
  const peer = connections.find((c) => c['peer-role'] === 'Primary') ?? connections[0];
  const peerDevices = peer?.peer_devices ?? [];
  const volumes: VolumeState[] = (r.devices ?? []).map((d) => {
    const pd = peerDevices.find((p) => p.volume === d.volume);
    return {
      minor: d.minor,
      volume: d.volume,
      disk: parseDiskState(d['disk-state']),
      peerDisk: pd === undefined ? 'DUnknown' : parseDiskState(pd['peer-disk-state']),
    };
  });
  const peerRole: Role = peer === undefined ? 'Unknown' : parseRole(peer['peer-role']);
  return {
    name: r.name as ResourceName,
    role: parseRole(r.role),
    peerRole,
    link:
      peer === undefined
        ? 'StandAlone'
        : parseLink9(
            peer['connection-state'],
            peerDevices.map((p) => p['replication-state']),
          ),
    connectionText: peer === undefined ? 'StandAlone' : peer['connection-state'],
    volumes,
  };
}
