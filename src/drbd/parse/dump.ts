// `drbdadm dump RES`: the resource as its config files describe it, not as DRBD runs it (a runtime
// switch shows only in `drbdsetup show`). drbdadm reads no kernel state for it, so it answers even
// while a fence-peer handler holds up every command that does.
import { fencingOf, type Fencing } from './fencing';
import { allowsTwoPrimaries } from './two-primaries';

/** The facts of a resource's configuration that block-drbd and xen-drbd act on. */
export interface ConfiguredResource {
  /** The hosts of its `on NAME {` sections other than this one, in config order. */
  readonly peers: readonly string[];
  /** The configuration itself allows two primaries (no runtime switch needed for a migration). */
  readonly twoPrimaries: boolean;
  /** The fence-peer handler DRBD runs before promoting, when it would run one. */
  readonly fencing?: Fencing;
}

export function parseDump(dump: string, thisHost: string): ConfiguredResource {
  const hosts = [...dump.matchAll(/^\s*on\s+(\S+)\s*\{/gm)].map((m) => m[1] as string);
  return { peers: hosts.filter((h) => h !== thisHost), twoPrimaries: allowsTwoPrimaries(dump), fencing: fencingOf(dump) };
}
