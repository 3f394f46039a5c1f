// A DRBD device as a disk names it without block-drbd (`phy:/dev/drbd0` in xl, `<source
// dev='/dev/drbd/by-res/r0/0'/>` in libvirt) → the `drbd:` target it stands for. Pure: the config
// comes from `drbdadm dump-xml`, read by the caller only when the path itself does not say.
import type { DrbdConfigDump } from './parse/dump-xml';

/** The names udev and drbd-utils give a DRBD device: /dev/drbdN and the by-res, by-disk links. */
const DRBD_DEVICE = /^\/dev\/drbd(?:[0-9]+|\/by-(?:res|disk)\/.+)$/;
const BY_RES = /^\/dev\/drbd\/by-res\/([^/]+)(?:\/([0-9]+))?$/;
const MINOR = /^\/dev\/drbd([0-9]+)$/;
const BY_DISK = /^\/dev\/drbd\/by-disk\/(.+)$/;

export function isDrbdDevicePath(path: string): boolean {
  return DRBD_DEVICE.test(path);
}

/** Whether the config is needed to name the target (a minor or a backing disk, not a by-res link). */
export function needsConfig(path: string): boolean {
  return isDrbdDevicePath(path) && !BY_RES.test(path);
}

/**
 * `RES` or `RES/VOLUME` (the volume only where the resource has several on this host), unchecked:
 * the caller passes it to parseTarget. Undefined: the path names no volume this host's config has.
 */
export function targetOfDevice(path: string, dump: DrbdConfigDump | undefined, hostname: string): string | undefined {
  const byRes = BY_RES.exec(path);
  if (byRes !== null) return byRes[2] === undefined ? byRes[1] : `${byRes[1]}/${byRes[2]}`;
  if (dump === undefined) return undefined;
  const minor = MINOR.exec(path)?.[1];
  // udev's by-disk link is the backing disk's path below /dev/drbd/by-disk/.
  const disk = BY_DISK.exec(path)?.[1];
  if (minor === undefined && disk === undefined) return undefined;
  for (const res of dump.resources) {
    const volumes = res.hosts.find((h) => h.name === hostname)?.volumes ?? [];
    const vol = volumes.find((v) => (minor !== undefined ? v.minor === Number(minor) : v.disk === `/dev/${disk}` || v.disk === disk));
    if (vol !== undefined) return volumes.length > 1 ? `${res.name}/${vol.vnr}` : res.name;
  }
  return undefined;
}
