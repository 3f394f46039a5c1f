// argv builders: intentions → command lines. They run nothing. drbdadm hands off to drbdadm-84 by
// itself on an 8.4 kernel, so most commands are the same for both generations.
import type { Argv } from '../exec/run';
import { formatRef, type ResourceName, type ResourceRef } from './types';

export const drbdArgv = {
  /** Device path(s): one per volume, or the one volume the ref names. Reads only the config. */
  shDev: (ref: ResourceRef): Argv => ['drbdadm', 'sh-dev', formatRef(ref)],
  /** Every resource configured for this host. */
  shResources: (): Argv => ['drbdadm', 'sh-resources'],
  /** The running configuration (runtime net-options included). */
  show: (name: ResourceName): Argv => ['drbdsetup', 'show', name],
  /** The whole resource's config, for naming the peer in messages. */
  dump: (name: ResourceName): Argv => ['drbdadm', 'dump', name],
  /** Promotion and demotion of the whole resource: drbdadm changes every volume's role. */
  primary: (name: ResourceName): Argv => ['drbdadm', 'primary', name],
  secondary: (name: ResourceName): Argv => ['drbdadm', 'secondary', name],
  /** DRBD 9 only; 8.4 state comes from /proc/drbd. */
  statusJson: (name: ResourceName): Argv => ['drbdsetup', 'status', name, '--json'],
  /** Runtime only: the peer adopts it over a live connection; `drbdadm adjust` returns to the config. */
  twoPrimaries: (name: ResourceName, on: boolean): Argv => [
    'drbdadm', 'net-options', `--allow-two-primaries=${on ? 'yes' : 'no'}`, name,
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
  show: (tool: string, name: ResourceName): Argv => [tool, 'show', name],
  /** 8.4 keeps a role per minor: this changes one volume's (drbdadm runs one per volume). */
  primary: (tool: string, minor: number): Argv => [tool, 'primary', String(minor)],
  secondary: (tool: string, minor: number): Argv => [tool, 'secondary', String(minor)],
  /** 8.4 names a connection by its two ends; only the given option changes. */
  twoPrimaries: (tool: string, thisAddress: string, peerAddress: string, on: boolean): Argv => [
    tool, 'net-options', thisAddress, peerAddress, `--allow-two-primaries=${on ? 'yes' : 'no'}`,
  ],
};
