import type { ResourceName, ResourceState } from '../../../src/drbd/types';
import { assessHost, planReconcile } from '../../../src/host-view/assess';
import type { HostView, ResourceView } from '../../../src/host-view/types';

const r0 = 'r0' as ResourceName;
const connected: ResourceState = {
  name: r0,
  role: 'Secondary',
  peerRole: 'Secondary',
  link: 'Established',
  connectionText: 'Connected',
  volumes: [{ minor: 0, disk: 'UpToDate', peerDisk: 'UpToDate' }],
};
const record = { resource: r0, backend: 'backend/vbd/3/768', at: 't', dualPrimary: false };
const user = { backend: 'backend/vbd/3/768', device: '93:0', domain: 'web1', online: true };

function view(r: Partial<ResourceView>, migrationInProgress = false): HostView {
  return {
    migrationInProgress,
    resources: [
      {
        name: r0,
        devices: [],
        state: connected,
        twoPrimariesRunning: false,
        twoPrimariesConfigured: false,
        users: [],
        mountedInDom0: false,
        ...r,
      },
    ],
  };
}
const codes = (v: HostView) => assessHost(v).map((f) => f.code);

describe('assessHost', () => {
  it.each<[string, HostView, string[]]>([
    ['idle Secondary', view({}), []],
    ['Primary and used', view({ state: { ...connected, role: 'Primary' }, users: [user] }), []],
    ['Primary, unused', view({ state: { ...connected, role: 'Primary' } }), ['primary-unused']],
    [
      'Primary, its only backend already going away',
      view({ state: { ...connected, role: 'Primary' }, users: [{ ...user, online: false }] }),
      ['primary-unused'],
    ],
    ['Primary, mounted in dom0', view({ state: { ...connected, role: 'Primary' }, mountedInDom0: true }), []],
    [
      'both Primary, no migration',
      view({ state: { ...connected, role: 'Primary', peerRole: 'Primary' }, users: [user] }),
      ['both-primary'],
    ],
    [
      'both Primary during a migration',
      view({ state: { ...connected, role: 'Primary', peerRole: 'Primary' }, users: [user], twoPrimariesRunning: true }, true),
      [],
    ],
    ['runtime dual-primary left on', view({ twoPrimariesRunning: true }), ['dual-primary-left-on']],
    ['configured dual-primary', view({ twoPrimariesRunning: true, twoPrimariesConfigured: true }), []],
    ['StandAlone', view({ state: { ...connected, link: 'StandAlone', connectionText: 'StandAlone' } }), ['standalone']],
    ['used while Secondary', view({ users: [user] }), ['used-while-secondary']],
    [
      'DRBD 9 quorum lost',
      view({
        state: {
          ...connected,
          link: 'Connecting',
          connectionText: 'hostb Connecting, hostc Connecting',
          volumes: connected.volumes.map((v) => ({ ...v, quorum: false as const })),
        },
      }),
      ['no-quorum'],
    ],
    ['unreadable', view({ state: undefined, error: 'boom' }), ['unreadable']],
    [
      'drbdlvm SR host, Primary on both, no VM here',
      view({
        state: { ...connected, role: 'Primary', peerRole: 'Primary' },
        twoPrimariesRunning: true,
        twoPrimariesConfigured: true,
        srVolumeGroup: 'VG_XenStorage-1',
      }),
      [],
    ],
    [
      'drbdlvm SR host gone StandAlone',
      view({
        state: { ...connected, role: 'Primary', peerRole: 'Unknown', link: 'StandAlone', connectionText: 'StandAlone' },
        twoPrimariesConfigured: true,
        twoPrimariesRunning: true,
        srVolumeGroup: 'VG_XenStorage-1',
      }),
      ['standalone'],
    ],
  ])('%s → %j', (_n, v, expected) => {
    expect(codes(v)).toEqual(expected);
  });
});

describe('planReconcile', () => {
  it('demotes an unused Primary that block-drbd promoted', () => {
    const v = view({ state: { ...connected, role: 'Primary' }, record });
    expect(planReconcile(v, assessHost(v), false)).toEqual([
      { kind: 'demote', resource: r0, why: expect.stringContaining('promoted by block-drbd') },
    ]);
  });
  it('demotes an unused Primary the libvirt hook promoted, saying for which domain', () => {
    const v = view({ state: { ...connected, role: 'Primary' }, record: { ...record, backend: 'libvirt:libxl/web' } });
    expect(planReconcile(v, assessHost(v), false)).toEqual([
      { kind: 'demote', resource: r0, why: expect.stringContaining('promoted by the libvirt hook for libxl domain web at ') },
    ]);
  });
  it('leaves an unrecorded Primary alone unless asked', () => {
    const v = view({ state: { ...connected, role: 'Primary' } });
    expect(planReconcile(v, assessHost(v), false)).toEqual([]);
    expect(planReconcile(v, assessHost(v), true)).toMatchObject([{ kind: 'demote' }]);
  });
  it('never demotes a drbdlvm SR, even when asked to demote unrecorded Primaries', () => {
    const v = view({
      state: { ...connected, role: 'Primary', peerRole: 'Primary' },
      twoPrimariesRunning: true,
      twoPrimariesConfigured: true,
      srVolumeGroup: 'VG_XenStorage-1',
    });
    expect(planReconcile(v, assessHost(v), true)).toEqual([]);
  });
  it('switches a left-over runtime dual-primary off', () => {
    const v = view({ twoPrimariesRunning: true });
    expect(planReconcile(v, assessHost(v), false)).toMatchObject([{ kind: 'single-primary', resource: 'r0' }]);
  });
});
