// The SR commands as sequences over the ports: which host changes happen, in which order, and
// which refusals come first. LVM reports are real lvm2 captures; xapi is the XenAPI simulator.
import { LOCK_KEY, lockValue } from '../../../../src/drbdlvm-sr/activation-lock-entry';
import type { XapiSim } from '../../../support/xapi-sim';
import { drbdState } from '../drbd-state';
import {
  CAPTURED,
  HIDDEN_UUID,
  HOST_A,
  HOST_B,
  SR_REF,
  VDI_UUID,
  VG,
  harness,
  healthyWorld,
  send,
  srParams,
  type World,
  startPoolSim,
} from './fakes';

let sim: XapiSim;
beforeEach(async () => {
  sim = await startPoolSim();
});
afterEach(() => sim.close());

const fresh = (): World => ({ ...healthyWorld(), vg: undefined, lvs: [], pv: CAPTURED.barePv() });
const fault = (code: number, text?: RegExp) =>
  expect.objectContaining({
    kind: 'fault',
    fault: { faultCode: code, faultString: text ? expect.stringMatching(text) : expect.any(String) },
  });

function addVdi(ref: string, uuid: string, smConfig: Record<string, string> = {}) {
  sim.db.VDI[ref] = {
    uuid,
    SR: SR_REF,
    name_label: '',
    name_description: '',
    type: 'user',
    location: uuid,
    sm_config: smConfig,
    virtual_size: '0',
    physical_utilisation: '0',
    read_only: false,
    managed: true,
  };
}

describe('sr_create', () => {
  it('promotes, then makes PV, VG and MGT on the DRBD device, under the SR lock', async () => {
    const w = { ...fresh(), drbd: drbdState('Established', 'UpToDate', 'UpToDate', 'Secondary', 'Secondary') };
    const h = harness(w, sim);
    expect(await send(h, 'sr_create', srParams(sim, 'sr_create', { args: ['0'] }))).toEqual({ kind: 'result', value: null });
    expect(h.effects).toEqual([
      'lock',
      'drbd promote',
      'lvm pvcreate --config global{metadata_read_only=0} -ff -y --metadatasize 10M /dev/drbd0',
      `lvm vgcreate --config global{metadata_read_only=0} --metadatasize 10M ${VG} /dev/drbd0`,
      `lvm lvcreate --config global{metadata_read_only=0} -an -Zn -Wn -n MGT -L 4194304b ${VG}`,
      'unlock',
    ]);
  });

  it('refuses while the peer is not UpToDate, changing nothing (the peer would keep stale metadata)', async () => {
    const h = harness({ ...fresh(), drbd: drbdState('SyncSource', 'UpToDate', 'Inconsistent') }, sim);
    expect(await send(h, 'sr_create', srParams(sim, 'sr_create'))).toEqual(fault(5102, /peer disk is Inconsistent/));
    expect(h.effects).toEqual(['lock', 'unlock']);
  });

  it('refuses a device that already holds this SR or another VG', async () => {
    const h = harness({ ...fresh(), pv: CAPTURED.pvInVg() }, sim);
    expect(await send(h, 'sr_create', srParams(sim, 'sr_create'))).toEqual(fault(42, /already holds VG_XenStorage/));
  });

  it("reports lvm2's words under LVMCreate, naming the host", async () => {
    const h = harness({ ...fresh(), execFails: { vgcreate: 'Device /dev/drbd0 excluded by a filter.' } }, sim);
    expect(await send(h, 'sr_create', srParams(sim, 'sr_create'))).toEqual(
      fault(50, /host xcp-a: 'vgcreate .*' failed: Device \/dev\/drbd0 excluded by a filter\./),
    );
  });
});

describe('sr_attach', () => {
  it("promotes, checks the VG and clears only this host's crash leftovers (stock sm leaks them: sm#803)", async () => {
    sim.db.SR[SR_REF]!.sm_config[LOCK_KEY] = lockValue(HOST_A, new Date());
    addVdi('OpaqueRef:v1', VDI_UUID, { [`host_${HOST_A}`]: 'RW', [`host_${HOST_B}`]: 'RW' });
    addVdi('OpaqueRef:v2', HIDDEN_UUID, { [`host_${HOST_A}`]: 'RO', vdi_type: 'aio' });
    const h = harness({ ...healthyWorld(), drbd: drbdState('Established', 'UpToDate', 'UpToDate', 'Secondary', 'Primary') }, sim);
    expect(await send(h, 'sr_attach', srParams(sim, 'sr_attach'))).toEqual({ kind: 'result', value: null });
    expect(h.effects).toEqual(['lock', 'drbd promote', 'unlock']);
    expect(sim.db.SR[SR_REF]!.sm_config).toEqual({});
    expect(sim.db.VDI['OpaqueRef:v1']!.sm_config).toEqual({ [`host_${HOST_B}`]: 'RW' });
    expect(sim.db.VDI['OpaqueRef:v2']!.sm_config).toEqual({ vdi_type: 'aio' });
  });

  it("leaves another host's activation lock alone", async () => {
    sim.db.SR[SR_REF]!.sm_config[LOCK_KEY] = lockValue(HOST_B, new Date());
    const h = harness(healthyWorld(), sim);
    expect(await send(h, 'sr_attach', srParams(sim, 'sr_attach'))).toEqual({ kind: 'result', value: null });
    expect(sim.db.SR[SR_REF]!.sm_config[LOCK_KEY]).toBeDefined();
  });

  it('fails fast on a pool host without the resource, naming the host and what to do', async () => {
    const h = harness({ ...healthyWorld(), drbd: undefined }, sim);
    const r = await send(h, 'sr_attach', srParams(sim, 'sr_attach', { host: HOST_B, master: false }));
    expect(r).toEqual(
      fault(
        5100,
        /host xcp-b: r0: cannot resolve the DRBD device: 'r0' not defined in your config \(for this host\)\. A drbdlvm SR .*cannot be plugged \(leave it unplugged\)/,
      ),
    );
    expect(h.effects).toEqual(['lock', 'unlock']);
  });

  it('refuses StandAlone with the documented manual recovery, never resolving it', async () => {
    const h = harness({ ...healthyWorld(), drbd: drbdState('StandAlone', 'UpToDate', 'DUnknown') }, sim);
    expect(await send(h, 'sr_attach', srParams(sim, 'sr_attach'))).toEqual(fault(5103, /connect --discard-my-data r0/));
    expect(h.effects).toEqual(['lock', 'unlock']);
  });

  it('waits a bounded time for a resource still finding its peer, then joins', async () => {
    const w = { ...healthyWorld(), drbd: drbdState('Connecting', 'UpToDate', 'DUnknown') };
    const h = harness(w, sim);
    let looks = 0;
    const ports = h.ctx.ports();
    const state = ports.drbd.state;
    ports.drbd.state = async (n, d) => (++looks === 3 ? (w.drbd = drbdState('Established')) : state(n, d));
    expect(await send(h, 'sr_attach', srParams(sim, 'sr_attach'))).toEqual({ kind: 'result', value: null });
    expect(looks).toBe(3);
  });

  it('gives up on a peer that never answers, with DrbdNotConnected', async () => {
    const h = harness({ ...healthyWorld(), drbd: drbdState('Connecting', 'UpToDate', 'DUnknown') }, sim);
    expect(await send(h, 'sr_attach', srParams(sim, 'sr_attach'))).toEqual(fault(5101, /WFConnection, not Connected/));
  });

  it('joins during a resync towards this host (SyncTarget reads through the peer)', async () => {
    const h = harness({ ...healthyWorld(), drbd: drbdState('SyncTarget', 'Inconsistent', 'UpToDate') }, sim);
    expect(await send(h, 'sr_attach', srParams(sim, 'sr_attach'))).toEqual({ kind: 'result', value: null });
  });

  it('says how to find out why the VG is not visible', async () => {
    const h = harness({ ...healthyWorld(), vg: undefined }, sim);
    expect(await send(h, 'sr_attach', srParams(sim, 'sr_attach'))).toEqual(fault(5108, /LVM filter accepts \/dev\/drbd0/));
  });

  it('reads the role back: a promotion DRBD accepted but did not apply is DrbdPromoteFailed, saying what was seen', async () => {
    const h = harness(
      { ...healthyWorld(), drbd: drbdState('Established', 'UpToDate', 'UpToDate', 'Secondary'), ignoresRoleChange: true },
      sim,
    );
    expect(await send(h, 'sr_attach', srParams(sim, 'sr_attach'))).toEqual(
      fault(5105, /host \S+: asked for Primary \('drbdadm primary r0' exited 0\), DRBD still reports Secondary; /),
    );
  });

  it('explains allow-two-primaries when the promotion is refused for it', async () => {
    const h = harness(
      {
        ...healthyWorld(),
        drbd: drbdState('Established', 'UpToDate', 'UpToDate', 'Secondary', 'Primary'),
        promoteFails: { kind: 'two-primaries', message: "'drbdadm primary r0' failed: (-1) Multiple primaries not allowed by config" },
      },
      sim,
    );
    expect(await send(h, 'sr_attach', srParams(sim, 'sr_attach'))).toEqual(fault(5105, /allow-two-primaries yes;/));
  });
});

describe('sr_detach', () => {
  it('takes every LV down, then demotes', async () => {
    const h = harness(healthyWorld(), sim);
    expect(await send(h, 'sr_detach', srParams(sim, 'sr_detach'))).toEqual({ kind: 'result', value: null });
    expect(h.effects).toEqual(['lock', `lvm vgchange -an ${VG}`, 'drbd demote', 'unlock']);
  });

  it('is a no-op on a host without the resource, and without the VG', async () => {
    const none = harness({ ...healthyWorld(), drbd: undefined }, sim);
    expect(await send(none, 'sr_detach', srParams(sim, 'sr_detach'))).toEqual({ kind: 'result', value: null });
    const noVg = harness({ ...healthyWorld(), vg: undefined, drbd: drbdState('Established', 'UpToDate', 'UpToDate', 'Secondary') }, sim);
    expect(await send(noVg, 'sr_detach', srParams(sim, 'sr_detach'))).toEqual({ kind: 'result', value: null });
    expect([...none.effects, ...noVg.effects]).toEqual(['lock', 'unlock', 'lock', 'unlock']);
  });

  it('reads the role back: a demotion DRBD accepted but did not apply is DrbdDemoteFailed, saying what was seen', async () => {
    const h = harness({ ...healthyWorld(), ignoresRoleChange: true }, sim);
    expect(await send(h, 'sr_detach', srParams(sim, 'sr_detach'))).toEqual(
      fault(5110, /host \S+: asked for Secondary \('drbdadm secondary r0' exited 0\), DRBD still reports Primary; /),
    );
  });

  it('says who holds the device open when the demotion fails', async () => {
    const h = harness(
      {
        ...healthyWorld(),
        demoteFails: {
          kind: 'held-open',
          message: "'drbdadm secondary r0' failed: 0: State change failed: (-12) Device is held open by someone",
        },
      },
      sim,
    );
    expect(await send(h, 'sr_detach', srParams(sim, 'sr_detach'))).toEqual(fault(5110, /still has the device open/));
  });
});

describe('sr_scan', () => {
  it('introduces LVs xapi lacks, forgets records without LVs, and refreshes sizes', async () => {
    addVdi('OpaqueRef:gone', '11111111-2222-4333-8444-555555555555');
    const h = harness(healthyWorld(), sim);
    expect(await send(h, 'sr_scan', srParams(sim, 'sr_scan'))).toEqual({ kind: 'result', value: null });
    const vdis = Object.values(sim.db.VDI);
    // The hidden LV is not a VDI; MGT is not one either.
    expect(vdis.map((v) => [v.uuid, v.location, v.virtual_size, v.sm_config])).toEqual([
      [VDI_UUID, VDI_UUID, '16777216', { vdi_type: 'aio' }],
    ]);
    expect(sim.db.SR[SR_REF]).toMatchObject({ physical_size: '197132288', physical_utilisation: String(197132288 - 71303168) });
    expect(h.effects).toEqual(['lock', 'unlock']);
  });

  it('FAILS, forgetting nothing, when the VG is not visible (an empty scan would forget every VDI)', async () => {
    addVdi('OpaqueRef:v1', VDI_UUID);
    const h = harness({ ...healthyWorld(), vg: undefined }, sim);
    expect(await send(h, 'sr_scan', srParams(sim, 'sr_scan'))).toEqual(fault(5108, /refusing to scan/));
    expect(Object.keys(sim.db.VDI)).toEqual(['OpaqueRef:v1']);
  });

  it('FAILS when the DRBD resource is missing or this copy is not UpToDate', async () => {
    addVdi('OpaqueRef:v1', VDI_UUID);
    expect(await send(harness({ ...healthyWorld(), drbd: undefined }, sim), 'sr_scan', srParams(sim, 'sr_scan'))).toEqual(fault(5100));
    expect(
      await send(
        harness({ ...healthyWorld(), drbd: drbdState('Connecting', 'Outdated', 'DUnknown') }, sim),
        'sr_scan',
        srParams(sim, 'sr_scan'),
      ),
    ).toEqual(fault(5104));
    expect(Object.keys(sim.db.VDI)).toEqual(['OpaqueRef:v1']);
  });

  it('keeps a record whose LV is missing while a host has it active', async () => {
    addVdi('OpaqueRef:busy', '11111111-2222-4333-8444-555555555555', { [`host_${HOST_B}`]: 'RW' });
    const h = harness(healthyWorld(), sim);
    expect(await send(h, 'sr_scan', srParams(sim, 'sr_scan'))).toEqual({ kind: 'result', value: null });
    expect(sim.db.VDI['OpaqueRef:busy']).toBeDefined();
    expect(h.logs.join('\n')).toMatch(/has no LV but is active on OpaqueRef:host-b; not forgotten/);
  });

  it('runs on the SR master only', async () => {
    expect(await send(harness(healthyWorld(), sim), 'sr_scan', srParams(sim, 'sr_scan', { master: false }))).toEqual(fault(58));
  });
});

describe('sr_delete', () => {
  it('refuses while VDI LVs remain', async () => {
    const h = harness(healthyWorld(), sim);
    expect(await send(h, 'sr_delete', srParams(sim, 'sr_delete'))).toEqual(fault(39, /2 VDI volume\(s\) remain/));
  });

  it('removes an empty VG, then demotes (xapi sends no sr_detach after a delete that worked); a VG already gone is success', async () => {
    const mgtOnly = CAPTURED.lvs().filter((l) => l.name === 'MGT');
    const h = harness({ ...healthyWorld(), lvs: mgtOnly }, sim);
    expect(await send(h, 'sr_delete', srParams(sim, 'sr_delete'))).toEqual({ kind: 'result', value: null });
    expect(h.effects).toEqual(['lock', `lvm vgremove --config global{metadata_read_only=0} -f ${VG}`, 'drbd demote', 'unlock']);
    const gone = harness({ ...healthyWorld(), vg: undefined }, sim);
    expect(await send(gone, 'sr_delete', srParams(sim, 'sr_delete'))).toEqual({ kind: 'result', value: null });
    expect(gone.effects).toEqual(['lock', 'drbd demote', 'unlock']);
  });

  it('still reports the delete done when the demotion fails afterwards, and logs the resource LEFT PRIMARY', async () => {
    const mgtOnly = CAPTURED.lvs().filter((l) => l.name === 'MGT');
    const h = harness(
      { ...healthyWorld(), lvs: mgtOnly, demoteFails: { kind: 'held-open', message: 'Device is held open by someone' } },
      sim,
    );
    expect(await send(h, 'sr_delete', srParams(sim, 'sr_delete'))).toEqual({ kind: 'result', value: null });
    expect(h.logs.join('\n')).toMatch(/sr_delete: VG_XenStorage-\S+ removed, but r0 is LEFT PRIMARY: .*host xcp-a: Device is held open/);
  });
});
