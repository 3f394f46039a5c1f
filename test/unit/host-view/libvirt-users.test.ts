import type { BlockDevice } from '../../../src/drbd/device';
import { libvirtUsers } from '../../../src/host-view/libvirt-users';
import type { DiskUser } from '../../../src/host-view/types';
import type { LibvirtReading } from '../../../src/libvirt/domains';

// What stat says of each path: the by-res link and /dev/drbd0 are the same device.
const devices: Record<string, BlockDevice> = {
  '/dev/drbd0': { path: '/dev/drbd0', major: 147, minor: 0, hex: '93:0' },
  '/dev/drbd/by-res/r0/0': { path: '/dev/drbd/by-res/r0/0', major: 147, minor: 0, hex: '93:0' },
  '/dev/drbd1': { path: '/dev/drbd1', major: 147, minor: 1, hex: '93:1' },
};
const stat = (p: string) => devices[p];
const disk = (source: string) => ({ source, target: 'vda', readonly: false });

describe('libvirtUsers', () => {
  it('makes each block disk of a running domain a user of its device, whatever path names it', () => {
    const readings: LibvirtReading[] = [
      {
        uri: 'qemu:///system',
        read: true,
        domains: [
          { name: 'kvm1', disks: [disk('/dev/drbd/by-res/r0/0'), disk('/dev/vg/plain')] },
          { name: 'kvm2', disks: [disk('/dev/drbd1')] },
        ],
      },
    ];
    expect(libvirtUsers(readings, [], stat)).toEqual({
      users: [
        { kind: 'libvirt', uri: 'qemu:///system', device: '93:0', domain: 'kvm1', online: true },
        { kind: 'libvirt', uri: 'qemu:///system', device: '93:1', domain: 'kvm2', online: true },
      ],
      read: ['qemu:///system'],
      unread: [],
    });
  });

  it("counts a libxl domain once: xenstore's backend already names it", () => {
    const xen: DiskUser = { kind: 'xen-backend', backend: 'backend/vbd/3/51712', device: '93:0', domain: 'lvdrbd0', online: true };
    const readings: LibvirtReading[] = [{ uri: 'xen:///system', read: true, domains: [{ name: 'lvdrbd0', disks: [disk('/dev/drbd0')] }] }];
    expect(libvirtUsers(readings, [xen], stat).users).toEqual([]);
  });

  it('reports a connection it could not read, and not one whose driver is absent', () => {
    const readings: LibvirtReading[] = [
      { uri: 'qemu:///system', read: false, absent: true },
      { uri: 'xen:///system', read: false, absent: false, why: 'libvirt did not answer within 10 s' },
    ];
    expect(libvirtUsers(readings, [], stat)).toEqual({
      users: [],
      read: [],
      unread: [{ uri: 'xen:///system', why: 'libvirt did not answer within 10 s' }],
    });
  });
});
