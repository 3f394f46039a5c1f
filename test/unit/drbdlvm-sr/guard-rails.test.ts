import type { Link } from '../../../src/drbd/types';
import {
  activationsOf,
  decideActivate,
  decideMetadataChange,
  hostKey,
  isMigrating,
  staleActivations,
  type ActivateInput,
  type VdiView,
  type VmView,
} from '../../../src/drbdlvm-sr/guard-rails';
import { drbdState } from './drbd-state';

const A = 'OpaqueRef:host-a';
const B = 'OpaqueRef:host-b';
const names: Record<string, string> = { [A]: 'xcp-a', [B]: 'xcp-b' };

const vdi = (n: number, smConfig: Record<string, string> = {}): VdiView => ({ ref: `OpaqueRef:vdi-${n}`, uuid: `uuid-${n}`, smConfig });
const vm = (over: Partial<VmView> = {}): VmView => ({
  ref: 'OpaqueRef:vm-1',
  uuid: 'vm-1',
  currentOperations: [],
  isControlDomain: false,
  ...over,
});
const starting = vm({ currentOperations: ['start'] });
const migratingAtoB = vm({ currentOperations: ['pool_migrate'], residentOn: A, scheduledToBeResidentOn: B });

/** Activate VDI 1 RW on B with the SR's other VDIs as given. */
function activate(over: Partial<ActivateInput> & { others?: VdiView[]; link?: Link }): ReturnType<typeof decideActivate> {
  const target = over.vdi ?? vdi(1);
  return decideActivate({
    host: B,
    vdi: target,
    writable: true,
    srVdis: [target, ...(over.others ?? [])],
    vms: [starting],
    drbd: drbdState(over.link ?? 'Established'),
    hostName: (r) => names[r] ?? r,
    ...over,
  });
}

const short = (d: ReturnType<typeof decideActivate>): string => (d.allow ? `allow:${d.why}` : `refuse:${d.error}`);

describe("xapi's host_<ref> sm-config convention", () => {
  it('reads RW and RO activations; anything else counts as RW', () => {
    expect(activationsOf({ [hostKey(A)]: 'RW', [hostKey(B)]: 'RO', host_: 'RW', other: 'x', 'host_OpaqueRef:c': 'weird' })).toEqual([
      { host: A, mode: 'RW' },
      { host: B, mode: 'RO' },
      { host: 'OpaqueRef:c', mode: 'RW' },
    ]);
  });

  it("finds this host's leftovers for sr_attach to clear", () => {
    expect(staleActivations(B, [vdi(1, { [hostKey(B)]: 'RW' }), vdi(2, { [hostKey(A)]: 'RW' }), vdi(3, { [hostKey(B)]: 'RO' })])).toEqual([
      { vdiRef: 'OpaqueRef:vdi-1', key: `host_${B}` },
      { vdiRef: 'OpaqueRef:vdi-3', key: `host_${B}` },
    ]);
  });
});

describe('decideActivate: vdi_activate on host B', () => {
  it.each<[string, Partial<ActivateInput> & { others?: VdiView[]; link?: Link }, string]>([
    ['nothing active anywhere', {}, 'allow:single-host'],
    ['other VDIs active RW on B itself', { others: [vdi(2, { [hostKey(B)]: 'RW' })] }, 'allow:single-host'],
    ['another VDI active RW on A, a VM start on B', { others: [vdi(2, { [hostKey(A)]: 'RW' })] }, 'refuse:ActiveOnOtherHost'],
    ['another VDI active only RO on A (a dom0 export)', { others: [vdi(2, { [hostKey(A)]: 'RO' })] }, 'allow:single-host'],
    [
      'another VDI RW on A, this VM migrating A→B',
      { others: [vdi(2, { [hostKey(A)]: 'RW' })], vms: [migratingAtoB] },
      'allow:migration-split',
    ],
    [
      'migrating A→B but DRBD is WFConnection',
      { others: [vdi(2, { [hostKey(A)]: 'RW' })], vms: [migratingAtoB], link: 'Connecting' },
      'refuse:DrbdNotConnected',
    ],
    [
      'migrating A→B but the peer is syncing',
      {
        others: [vdi(2, { [hostKey(A)]: 'RW' })],
        vms: [migratingAtoB],
        link: 'SyncSource',
        drbd: drbdState('SyncSource', 'UpToDate', 'Inconsistent'),
      },
      'refuse:DrbdPeerNotUpToDate',
    ],
    [
      'migrating B→A (the wrong way)',
      {
        others: [vdi(2, { [hostKey(A)]: 'RW' })],
        vms: [vm({ currentOperations: ['pool_migrate'], residentOn: B, scheduledToBeResidentOn: A })],
      },
      'refuse:ActiveOnOtherHost',
    ],
    [
      'migrate_send (cross-pool form) A→B',
      {
        others: [vdi(2, { [hostKey(A)]: 'RW' })],
        vms: [vm({ currentOperations: ['migrate_send'], residentOn: A, scheduledToBeResidentOn: B })],
      },
      'allow:migration-split',
    ],
    [
      'pool_migrate flag but resident nowhere',
      { others: [vdi(2, { [hostKey(A)]: 'RW' })], vms: [vm({ currentOperations: ['pool_migrate'], scheduledToBeResidentOn: B })] },
      'refuse:ActiveOnOtherHost',
    ],
    [
      'dom0 RW attach on B while A runs VMs',
      { others: [vdi(2, { [hostKey(A)]: 'RW' })], vms: [vm({ isControlDomain: true })] },
      'refuse:ActiveOnOtherHost',
    ],
    ['the VDI itself is RW on A', { vdi: vdi(1, { [hostKey(A)]: 'RW' }) }, 'refuse:VDIInUse'],
    [
      'the VDI itself is RW on A, its VM migrating A→B (blkback: B activates before A lets go)',
      { vdi: vdi(1, { [hostKey(A)]: 'RW' }), vms: [migratingAtoB] },
      'allow:migration-split',
    ],
    [
      'the VDI and another one RW on A, its VM migrating A→B',
      { vdi: vdi(1, { [hostKey(A)]: 'RW' }), others: [vdi(2, { [hostKey(A)]: 'RW' })], vms: [migratingAtoB] },
      'allow:migration-split',
    ],
    [
      'the VDI itself RW on A, its VM migrating A→B, DRBD WFConnection',
      { vdi: vdi(1, { [hostKey(A)]: 'RW' }), vms: [migratingAtoB], link: 'Connecting' },
      'refuse:DrbdNotConnected',
    ],
    [
      'the VDI itself RW on A, one VM migrating A→B, another VM of it still on A',
      { vdi: vdi(1, { [hostKey(A)]: 'RW' }), vms: [migratingAtoB, vm({ ref: 'OpaqueRef:vm-2', residentOn: A })] },
      'refuse:VDIInUse',
    ],
    [
      'the VDI itself RW on A, its VM migrating A→B, RO asked',
      { vdi: vdi(1, { [hostKey(A)]: 'RW' }), vms: [migratingAtoB], writable: false },
      'refuse:VDIInUse',
    ],
    [
      'the VDI itself RW on A, its VM migrating B→A (the wrong way)',
      {
        vdi: vdi(1, { [hostKey(A)]: 'RW' }),
        vms: [vm({ currentOperations: ['pool_migrate'], residentOn: B, scheduledToBeResidentOn: A })],
      },
      'refuse:VDIInUse',
    ],
    ['the VDI itself is RO on A, RW asked', { vdi: vdi(1, { [hostKey(A)]: 'RO' }) }, 'refuse:VDIInUse'],
    ['the VDI itself is RO on A, RO asked', { vdi: vdi(1, { [hostKey(A)]: 'RO' }), writable: false }, 'allow:read-only'],
    ['RO on B while other VDIs RW on A', { others: [vdi(2, { [hostKey(A)]: 'RW' })], writable: false }, 'allow:read-only'],
    [
      'already RW here (a repeated call)',
      { vdi: vdi(1, { [hostKey(B)]: 'RW' }), others: [vdi(2, { [hostKey(A)]: 'RW' })] },
      'allow:already-active-here',
    ],
    ['StandAlone, nothing active elsewhere', { link: 'StandAlone' }, 'refuse:DrbdStandAlone'],
    ['StandAlone, RO', { link: 'StandAlone', writable: false }, 'allow:read-only'],
    [
      'peer gone (WFConnection), nothing active elsewhere: the HA survivor',
      { link: 'Connecting', drbd: drbdState('Connecting', 'UpToDate', 'DUnknown') },
      'allow:single-host',
    ],
    ['local disk Outdated', { drbd: drbdState('Connecting', 'Outdated', 'DUnknown') }, 'refuse:DrbdLocalNotUpToDate'],
    ['local SyncTarget with an UpToDate peer', { drbd: drbdState('SyncTarget', 'Inconsistent', 'UpToDate') }, 'allow:single-host'],
  ])('%s → %s', (_what, input, expected) => {
    expect(short(activate(input))).toBe(expected);
  });

  it('names the active host and its VDIs in the refusal', () => {
    const d = activate({ others: [vdi(2, { [hostKey(A)]: 'RW' }), vdi(3, { [hostKey(A)]: 'RW' })] });
    expect(d).toEqual({
      allow: false,
      error: 'ActiveOnOtherHost',
      reason:
        "refusing a VM start on host xcp-b: VDIs of this SR are active RW on host xcp-a (VDI uuid-2, uuid-3). Run it on that host, or migrate the SR's other VMs here first",
    });
  });
});

describe('isMigrating', () => {
  it('needs the operation, the schedule and the residence together', () => {
    expect(isMigrating(migratingAtoB, A, B)).toBe(true);
    expect(isMigrating({ ...migratingAtoB, currentOperations: ['start'] }, A, B)).toBe(false);
    expect(isMigrating({ ...migratingAtoB, scheduledToBeResidentOn: A }, A, B)).toBe(false);
    expect(isMigrating(migratingAtoB, B, B)).toBe(false);
    expect(isMigrating({ ...migratingAtoB, isControlDomain: true }, A, B)).toBe(false);
  });
});

describe('decideMetadataChange', () => {
  it('runs only on the SR master and only with both sides UpToDate and Connected', () => {
    expect(decideMetadataChange(true, drbdState('Established'))).toEqual({ ok: true });
    expect(decideMetadataChange(false, drbdState('Established'))).toMatchObject({ ok: false, error: 'LVMMaster' });
    expect(decideMetadataChange(true, drbdState('Connecting', 'UpToDate', 'DUnknown'))).toMatchObject({
      ok: false,
      error: 'DrbdNotConnected',
    });
    expect(decideMetadataChange(true, drbdState('StandAlone'))).toMatchObject({ ok: false, error: 'DrbdStandAlone' });
  });
});
