import type { DrbdAdminPort } from '../../../src/drbd/drbd';
import type { ResourceName, ResourceState, Role } from '../../../src/drbd/types';
import { gatherHost, type GatherPorts } from '../../../src/host-view/gather';
import type { PvReport } from '../../../src/lvm/types';
import type { XenstorePort } from '../../../src/xenstore/client';

const r0 = 'r0' as ResourceName;
const dev = { path: '/dev/drbd0', major: 147, minor: 0, hex: '93:0' };

function ports(role: Role, pv: (device: string) => Promise<PvReport | undefined>): GatherPorts & { pvCalls: string[] } {
  const state: ResourceState = {
    name: r0,
    role,
    peerRole: 'Primary',
    link: 'Established',
    connectionText: 'Connected',
    volumes: [{ minor: 0, disk: 'UpToDate', peerDisk: 'UpToDate' }],
  };
  const drbd = {
    resources: async () => [r0],
    resolve: async () => ({ target: { name: r0 }, devices: [dev] }),
    config: async () => undefined,
    state: async () => state,
    twoPrimariesRunning: async () => true,
  } as unknown as DrbdAdminPort;
  const xs: XenstorePort = {
    read: async () => undefined,
    write: async () => undefined,
    list: async () => [],
    rm: async () => undefined,
    close: () => undefined,
  };
  const pvCalls: string[] = [];
  return {
    drbd,
    xs,
    ledger: { read: () => undefined, write: () => undefined, clear: () => undefined },
    mounts: () => [],
    libvirt: async () => [],
    blockDevice: () => undefined,
    lvm: { pv: (d) => (pvCalls.push(d), pv(d)) },
    pvCalls,
  };
}

const pvIn = (vgName: string) => async (): Promise<PvReport> => ({ name: '/dev/drbd0', vgName, vgUuid: 'u', size: 1n, vgSize: 1n });

describe('gatherHost: the drbdlvm SR on a resource', () => {
  it('names the SR VG found on a Primary resource', async () => {
    const { view } = await gatherHost(ports('Primary', pvIn('VG_XenStorage-3f1c')));
    expect(view.resources[0]?.srVolumeGroup).toBe('VG_XenStorage-3f1c');
  });

  it('ignores any other VG on the device', async () => {
    const { view } = await gatherHost(ports('Primary', pvIn('vg_guests')));
    expect(view.resources[0]?.srVolumeGroup).toBeUndefined();
  });

  it('treats a failing pvs (no lvm2, unreadable device) as no SR rather than failing the view', async () => {
    const { view } = await gatherHost(ports('Primary', async () => Promise.reject(new Error("'pvs' failed: exit code 5"))));
    expect(view.resources[0]).toMatchObject({ name: 'r0', state: { role: 'Primary' } });
    expect(view.resources[0]?.srVolumeGroup).toBeUndefined();
  });

  it('does not open a Secondary device (DRBD 8.4 refuses the open)', async () => {
    const p = ports('Secondary', pvIn('VG_XenStorage-3f1c'));
    const { view } = await gatherHost(p);
    expect(p.pvCalls).toEqual([]);
    expect(view.resources[0]?.srVolumeGroup).toBeUndefined();
  });
});
