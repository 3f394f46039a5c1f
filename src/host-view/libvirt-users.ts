// libvirt's running domains as users of DRBD devices. Pure: the device numbers come from the
// caller (stat of each disk's source), so a by-res link and /dev/drbdN meet on the same device.
import type { BlockDevice } from '../drbd/device';
import type { LibvirtReading } from '../libvirt/domains';
import type { DiskUser, LibvirtUnread } from './types';

export function libvirtUsers(
  readings: readonly LibvirtReading[],
  xenUsers: readonly DiskUser[],
  blockDevice: (path: string) => BlockDevice | undefined,
): { users: DiskUser[]; read: string[]; unread: LibvirtUnread[] } {
  const users: DiskUser[] = [];
  const read: string[] = [];
  const unread: LibvirtUnread[] = [];
  for (const r of readings) {
    if (!r.read) {
      if (!r.absent) unread.push({ uri: r.uri, why: r.why });
      continue;
    }
    read.push(r.uri);
    for (const d of r.domains) {
      for (const disk of d.disks) {
        const dev = blockDevice(disk.source);
        if (dev === undefined) continue;
        // A domain of libvirt's libxl driver has its Xen backend too: one user, as xenstore shows it.
        if (xenUsers.some((u) => u.kind === 'xen-backend' && u.domain === d.name && u.device === dev.hex)) continue;
        if (users.some((u) => u.kind === 'libvirt' && u.uri === r.uri && u.domain === d.name && u.device === dev.hex)) continue;
        users.push({ kind: 'libvirt', uri: r.uri, device: dev.hex, domain: d.name, online: true });
      }
    }
  }
  return { users, read, unread };
}
