// Which libvirt connections can reach domains on this host, from the daemons' sockets, and how a
// connection that fails because its driver is not there reads. Pure.

/** Where libvirt's daemons put their sockets. */
export const LIBVIRT_RUN_DIR = '/run/libvirt';

export type LibvirtUri = 'qemu:///system' | 'xen:///system';

// libvirtd (Debian 12's default) serves every driver it loaded on one socket; the modular daemons
// (virtqemud, virtxend) one driver each.
const SOCKETS: Readonly<Record<string, readonly LibvirtUri[]>> = {
  'libvirt-sock': ['qemu:///system', 'xen:///system'],
  'virtqemud-sock': ['qemu:///system'],
  'virtxend-sock': ['xen:///system'],
};

/** The URIs to read, given the names present in LIBVIRT_RUN_DIR; none when no daemon runs. */
export function libvirtUris(names: readonly string[]): LibvirtUri[] {
  const uris = new Set<LibvirtUri>();
  for (const n of names) for (const u of SOCKETS[n] ?? []) uris.add(u);
  return [...uris].sort();
}

/**
 * A daemon without this driver (libvirtd without the qemu driver, the libxl driver on a host not
 * running Xen) answers with these words. The binding drops libvirt's error numbers (every
 * LibvirtError has code -1), so the text is all there is to tell "no such driver" from a failure.
 */
export function driverAbsent(message: string): boolean {
  return /no connection driver available|state driver is not active/.test(message);
}

/** `qemu` from `qemu:///system`, for messages and the status table. */
export function driverOf(uri: string): string {
  return /^([a-z0-9+]+):/.exec(uri)?.[1] ?? uri;
}
