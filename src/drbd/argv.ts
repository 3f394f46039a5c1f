// argv builders: intentions → command lines. They run nothing. drbdadm hands off to drbdadm-84 by
// itself on an 8.4 kernel, so most commands are the same for both generations.
// Each builder checks its resource name again (and a minor's range): the brand on ResourceName is a
// promise of the edges, and a command that names `all` or another minor would reach resources the
// caller never looked at. A name that breaks the rule here is a bug, thrown as UnsafeResourceName.
import type { Argv } from '../exec/run';
import { requireResourceName } from './resource-name';
import { formatRef, type ResourceName, type ResourceRef } from './types';

const oneResource = (name: ResourceName): ResourceName => requireResourceName(name);

// DRBD's device minors are 20 bits (MINORMASK); anything else is no minor of ours.
const MAX_MINOR = 2 ** 20 - 1;
function minorArg(minor: number): string {
  if (!Number.isInteger(minor) || minor < 0 || minor > MAX_MINOR)
    throw new RangeError(`refusing to address DRBD minor ${minor}: not a device minor`);
  return String(minor);
}

// A peer as DRBD 9 names a connection (its host name): anything else would make drbdadm read
// `RES:PEER` as something we never looked at.
const PEER_HOST = /^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/;
function peerHost(peer: string): string {
  if (!PEER_HOST.test(peer)) throw new RangeError(`refusing to address DRBD peer ${JSON.stringify(peer)}: not a host name`);
  return peer;
}

export const drbdArgv = {
  /** Device path(s): one per volume, or the one volume the ref names. Reads only the config. */
  shDev: (ref: ResourceRef): Argv => ['drbdadm', 'sh-dev', formatRef({ ...ref, name: oneResource(ref.name) })],
  /** Every resource configured for this host. */
  shResources: (): Argv => ['drbdadm', 'sh-resources'],
  /** The running configuration (runtime net-options included). */
  show: (name: ResourceName): Argv => ['drbdsetup', 'show', oneResource(name)],
  /** The resource as configured (peers, allow-two-primaries, fencing). Reads only the config. */
  dump: (name: ResourceName): Argv => ['drbdadm', 'dump', oneResource(name)],
  /** Promotion and demotion of the whole resource: drbdadm changes every volume's role. */
  primary: (name: ResourceName): Argv => ['drbdadm', 'primary', oneResource(name)],
  secondary: (name: ResourceName): Argv => ['drbdadm', 'secondary', oneResource(name)],
  /** DRBD 9 only; 8.4 state comes from /proc/drbd. */
  statusJson: (name: ResourceName): Argv => ['drbdsetup', 'status', oneResource(name), '--json'],
  /** DRBD 9 only: the resource's state, then each change as it happens, until stopped. */
  events: (name: ResourceName): Argv => ['drbdsetup', 'events2', oneResource(name)],
  /**
   * Runtime only: the peer adopts it over a live connection; `drbdadm adjust` returns to the config.
   * With `peer` (DRBD 9), only the connection to that host (`RES:PEER`); else every connection.
   */
  twoPrimaries: (name: ResourceName, on: boolean, peer?: string): Argv => [
    'drbdadm',
    'net-options',
    `--allow-two-primaries=${on ? 'yes' : 'no'}`,
    peer === undefined ? oneResource(name) : `${oneResource(name)}:${peerHost(peer)}`,
  ],
  /**
   * The whole configuration as XML, resources for other hosts included. `-c` reads another
   * drbd.conf (its relative includes resolve against its own directory). Reads only the config.
   */
  dumpXml: (configFile?: string): Argv => (configFile === undefined ? ['drbdadm', 'dump-xml'] : ['drbdadm', '-c', configFile, 'dump-xml']),
};

/**
 * DRBD 8.4's own drbdsetup, called directly: drbdadm would start drbdadm-84, parse every config
 * file, then run exactly these (`drbdadm -d` prints them). Two processes and ~120 ms less per
 * command in the lab dom0, where the destination's add runs while a migrating guest is paused.
 */
export const drbdsetup84Argv = {
  show: (tool: string, name: ResourceName): Argv => [tool, 'show', oneResource(name)],
  /** 8.4 keeps a role per minor: this changes one volume's (drbdadm runs one per volume). */
  primary: (tool: string, minor: number): Argv => [tool, 'primary', minorArg(minor)],
  secondary: (tool: string, minor: number): Argv => [tool, 'secondary', minorArg(minor)],
  /** 8.4 names a connection by its two ends; only the given option changes. */
  twoPrimaries: (tool: string, thisAddress: string, peerAddress: string, on: boolean): Argv => [
    tool,
    'net-options',
    thisAddress,
    peerAddress,
    `--allow-two-primaries=${on ? 'yes' : 'no'}`,
  ],
};
