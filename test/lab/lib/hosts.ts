// The machines a lab can have, and the replication network they share.
//
// A and B are Xen hosts (every lab has them: the scenarios' guests run there); C is a plain Linux
// host (the same Debian kernel and dom0 image booted directly by qemu, no Xen: a third DRBD node).
// A scenario names the hosts its lab has (LabOptions.hosts); the host set is part of the lab's kind
// (shared-lab.ts), so a file never takes over a lab with other hosts.
import * as crypto from 'node:crypto';

export type HostName = 'A' | 'B' | 'C';
/** Xen: Xen 4.17 (multiboot) with the image as dom0. Plain: the image's kernel booted directly. */
export type HostKind = 'xen' | 'plain';

/** One machine of the lab: its name, kind and addresses on the replication and control networks. */
export interface HostSpec {
  readonly name: HostName;
  readonly kind: HostKind;
  readonly replIp: string;
  readonly replMac: string;
  readonly ctlMac: string;
}

export const LAB_HOSTS: Readonly<Record<HostName, HostSpec>> = {
  A: { name: 'A', kind: 'xen', replIp: '10.99.0.1', replMac: '52:54:00:99:00:0a', ctlMac: '52:54:00:c0:00:0a' },
  B: { name: 'B', kind: 'xen', replIp: '10.99.0.2', replMac: '52:54:00:99:00:0b', ctlMac: '52:54:00:c0:00:0b' },
  C: { name: 'C', kind: 'plain', replIp: '10.99.0.3', replMac: '52:54:00:99:00:0c', ctlMac: '52:54:00:c0:00:0c' },
};

/** The hosts of a lab when a scenario names none. */
export const DEFAULT_HOSTS: readonly HostName[] = ['A', 'B'];

/** The specs of a host set, in the order A, B, C; it must hold A and B (the scenarios' Xen pair). */
export function hostSpecs(names: readonly HostName[] = DEFAULT_HOSTS): HostSpec[] {
  if (!names.includes('A') || !names.includes('B')) throw new Error(`a lab's hosts must include A and B, got ${names.join(',')}`);
  return (Object.keys(LAB_HOSTS) as HostName[]).filter((n) => names.includes(n)).map((n) => LAB_HOSTS[n]);
}

/** A host set as one word (its key among lab kinds): "AB", "ABC". */
export const hostSetKey = (names: readonly HostName[] = DEFAULT_HOSTS): string =>
  hostSpecs(names)
    .map((s) => s.name)
    .join('');

/**
 * The replication network: one L2 segment that every host of the lab joins, qemu's
 * `-netdev socket,mcast=<group>:<port>,localaddr=127.0.0.1` (each qemu sends its frames to the
 * group on the loopback interface; every member receives them, as on a hub). Chosen over a hub
 * process in the runner (one more process to keep alive across scenario files, every frame
 * through Node's event loop), over a mesh of point-to-point links (N-1 NICs per host and a bridge
 * in each, whose loop needs STP) and over `-netdev dgram`/`stream` (point-to-point too). It needs
 * no set-up on the runner: the kernel loops a group joined on 127.0.0.1 back to its members even
 * on a lo without the MULTICAST flag or a multicast route (checked in a new network namespace,
 * whose lo is as a fresh VM's). A 2-host lab moves 64 MiB as fast as on the point-to-point
 * socket it replaced (README). A random group and port per lab keep concurrent labs on one
 * runner apart (qemu binds the group address itself).
 */
export interface ReplNet {
  readonly group: string;
  readonly port: number;
}

export function newReplNet(): ReplNet {
  const b = crypto.randomBytes(4);
  // 239.255.0.0/16 is site-local, administratively scoped; ports above the ephemeral range's start.
  return { group: `239.255.${b[0]}.${b[1]! | 1}`, port: 20000 + (b.readUInt16BE(2) % 30000) };
}
