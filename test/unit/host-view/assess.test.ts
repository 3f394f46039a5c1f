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
const kvmUser = { kind: 'libvirt', uri: 'qemu:///system', device: '93:0', domain: 'kvm1', online: true } as const;
const record = { resource: r0, backend: 'backend/vbd/3/768', at: 't', dualPrimary: false };
const user = { kind: 'xen-backend', backend: 'backend/vbd/3/768', device: '93:0', domain: 'web1', online: true } as const;

function view(r: Partial<ResourceView>, migrationInProgress = false): HostView {
  return {
    migrationInProgress,
    libvirtRead: [],
    libvirtUnread: [],
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
    ['Primary, used by a domain libvirt runs', view({ state: { ...connected, role: 'Primary' }, users: [kvmUser] }), []],
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
  describe('while a libvirt connection could not be read', () => {
    const blind = (r: Partial<ResourceView>): HostView => ({
      ...view({ state: { ...connected, role: 'Primary' }, ...r }),
      libvirtUnread: [{ uri: 'qemu:///system', why: 'the libvirt binding is not installed' }],
    });
    it("still demotes block-drbd's own promotion: its backends are all in xenstore", () => {
      const v = blind({ record });
      expect(planReconcile(v, assessHost(v), false)).toMatchObject([{ kind: 'demote' }]);
    });
    it.each([
      ['a promotion of the libvirt hook', { record: { ...record, backend: 'libvirt:qemu/kvm1' } }],
      ['an unrecorded Primary, even when asked', {}],
    ])('keeps %s, saying why', (_n, r) => {
      const v = blind(r);
      expect(planReconcile(v, assessHost(v), true)).toEqual([
        {
          kind: 'keep',
          resource: r0,
          why: expect.stringMatching(
            /; but libvirt's qemu:\/\/\/system could not be read \(the libvirt binding is not installed\), and a libvirt domain may use it$/,
          ),
        },
      ]);
    });
  });
  it('names a libvirt domain using a Secondary by its driver', () => {
    const v = view({ users: [kvmUser] });
    expect(assessHost(v)[0]?.message).toBe('r0: used by kvm1 (libvirt qemu) but Secondary here');
  });
  it('switches a left-over runtime dual-primary off', () => {
    const v = view({ twoPrimariesRunning: true });
    expect(planReconcile(v, assessHost(v), false)).toMatchObject([{ kind: 'single-primary', resource: 'r0' }]);
  });
});
