// The VDI commands as sequences over the ports, with xapi's records in the XenAPI simulator:
// creation, deletion, attach/detach, resize and the guard rail in vdi_activate.
import { LOCK_KEY, lockValue } from '../../../../src/drbdlvm-sr/activation-lock-entry';
import { NULL_REF, type XapiSim } from '../../../support/xapi-sim';
import { drbdState } from '../drbd-state';
import {
  CAPTURED,
  HOST_A,
  HOST_B,
  SR_REF,
  SR_UUID,
  VDI_UUID,
  VG,
  harness,
  healthyWorld,
  send,
  srParams,
  vdiParams,
  startPoolSim,
} from './fakes';

const V1 = 'OpaqueRef:v1';
const V2 = 'OpaqueRef:v2';
const OTHER_UUID = '9c1d0e7f-2a9b-4c4d-8e11-3b2f4c1e7a55';
const LV = `${VG}/LV-${VDI_UUID}`;

let sim: XapiSim;
beforeEach(async () => {
  sim = await startPoolSim();
  addVdi(V1, VDI_UUID);
  addVdi(V2, OTHER_UUID);
});
afterEach(() => sim.close());

function addVdi(ref: string, uuid: string) {
  sim.db.VDI[ref] = {
    uuid,
    SR: SR_REF,
    name_label: '',
    name_description: '',
    type: 'user',
    location: uuid,
    sm_config: {},
    virtual_size: '16777216',
    physical_utilisation: '16777216',
    read_only: false,
    managed: true,
  };
}

/** A VM with a VBD on `vdiRef`, in the state xapi shows for `op`. */
function addVm(vdiRef: string, op: 'start' | 'migrate A→B' | 'running on A') {
  const ref = `OpaqueRef:vm-${Object.keys(sim.db.VM).length}`;
  sim.db.VM[ref] = {
    uuid: ref.slice(10),
    is_control_domain: false,
    current_operations: op === 'start' ? { t1: 'start' } : op === 'migrate A→B' ? { t2: 'pool_migrate' } : {},
    resident_on: op === 'start' ? NULL_REF : HOST_A,
    scheduled_to_be_resident_on: op === 'start' ? NULL_REF : op === 'migrate A→B' ? HOST_B : NULL_REF,
  };
  sim.db.VBD[`OpaqueRef:vbd-${ref}`] = { VM: ref, VDI: vdiRef };
}

const fault = (code: number, text?: RegExp) =>
  expect.objectContaining({
    kind: 'fault',
    fault: { faultCode: code, faultString: text ? expect.stringMatching(text) : expect.any(String) },
  });
const ok = { kind: 'result', value: null };

describe('vdi_create', () => {
  const NEW = '0b7e5c4d-1a2b-4c3d-8e9f-a0b1c2d3e4f5';
  const args = ['10737418240', '中文机器 0', 'Created by template provisioner', '', 'false', '19700101T00:00:00Z', '', 'false'];

  it('makes a thick inactive LV, not zeroed, then the record, and answers uuid and location', async () => {
    const h = harness({ ...healthyWorld(), vg: { ...CAPTURED.vg(), free: 20n * 1024n ** 3n } }, sim);
    const r = await send(
      h,
      'vdi_create',
      srParams(sim, 'vdi_create', { args, extra: { vdi_type: 'system', vdi_uuid: NEW, vdi_sm_config: {} } }),
    );
    expect(r).toEqual({ kind: 'result', value: { uuid: NEW, location: NEW } });
    expect(h.effects).toEqual([
      'lock',
      `lvm lvcreate --config global{metadata_read_only=0} -an -Zn -Wn -n LV-${NEW} -L 10737418240b ${VG}`,
      'unlock',
    ]);
    const rec = Object.values(sim.db.VDI).find((v) => v.uuid === NEW);
    expect(rec).toMatchObject({
      name_label: '中文机器 0',
      type: 'system',
      location: NEW,
      virtual_size: '10737418240',
      sm_config: { vdi_type: 'aio' },
      read_only: false,
    });
  });

  it('picks a uuid when xapi does not dictate one', async () => {
    const h = harness({ ...healthyWorld(), vg: { ...CAPTURED.vg(), free: 20n * 1024n ** 3n } }, sim);
    const r = await send(h, 'vdi_create', srParams(sim, 'vdi_create', { args, extra: { vdi_type: 'user' } }));
    const uuid = r.kind === 'result' ? (r.value as { uuid: string }).uuid : '';
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Object.values(sim.db.VDI).some((v) => v.uuid === uuid)).toBe(true);
  });

  it('removes the LV again when xapi refuses the record', async () => {
    const h = harness({ ...healthyWorld(), vg: { ...CAPTURED.vg(), free: 20n * 1024n ** 3n } }, sim);
    // A uuid xapi already has: db_introduce answers UUID_ALREADY_EXISTS.
    const r = await send(h, 'vdi_create', srParams(sim, 'vdi_create', { args, extra: { vdi_type: 'user', vdi_uuid: OTHER_UUID } }));
    expect(r).toEqual(fault(43, /LV-9c1d.* already exists/));
    const fresh = '7d3c1c7e-2f1e-4b38-9d0c-0c0b4c1f6a10';
    sim.db.VDI['OpaqueRef:clash'] = { ...sim.db.VDI[V1]!, uuid: fresh };
    const h2 = harness({ ...healthyWorld(), vg: { ...CAPTURED.vg(), free: 20n * 1024n ** 3n } }, sim);
    const r2 = await send(h2, 'vdi_create', srParams(sim, 'vdi_create', { args, extra: { vdi_type: 'user', vdi_uuid: fresh } }));
    expect(r2).toEqual(fault(150, /UUID_ALREADY_EXISTS/));
    expect(h2.effects.slice(1, 3)).toEqual([
      `lvm lvcreate --config global{metadata_read_only=0} -an -Zn -Wn -n LV-${fresh} -L 10737418240b ${VG}`,
      `lvm lvremove --config global{metadata_read_only=0} -f ${VG}/LV-${fresh}`,
    ]);
  });

  it('refuses off the master, without space, VHD, and while the peer is away', async () => {
    const base = { args, extra: { vdi_type: 'user' } };
    expect(await send(harness(healthyWorld(), sim), 'vdi_create', srParams(sim, 'vdi_create', { ...base, master: false }))).toEqual(
      fault(58),
    );
    expect(await send(harness(healthyWorld(), sim), 'vdi_create', srParams(sim, 'vdi_create', base))).toEqual(
      fault(44, /10737418240 bytes asked, 71303168 free/),
    );
    expect(
      await send(
        harness(healthyWorld(), sim),
        'vdi_create',
        srParams(sim, 'vdi_create', { args, extra: { vdi_type: 'user', vdi_sm_config: { type: 'vhd' } } }),
      ),
    ).toEqual(fault(66));
    expect(
      await send(
        harness({ ...healthyWorld(), drbd: drbdState('Connecting', 'UpToDate', 'DUnknown') }, sim),
        'vdi_create',
        srParams(sim, 'vdi_create', base),
      ),
    ).toEqual(fault(5101));
  });
});

describe('vdi_delete', () => {
  it('removes the LV, then forgets the record', async () => {
    const h = harness(healthyWorld(), sim);
    expect(await send(h, 'vdi_delete', vdiParams(sim, 'vdi_delete', V1))).toEqual(ok);
    expect(h.effects).toEqual(['lock', `lvm lvremove --config global{metadata_read_only=0} -f ${LV}`, 'unlock']);
    expect(sim.db.VDI[V1]).toBeUndefined();
  });

  it('refuses while a host has the VDI active, naming it', async () => {
    sim.db.VDI[V1]!.sm_config[`host_${HOST_B}`] = 'RW';
    const h = harness(healthyWorld(), sim);
    expect(await send(h, 'vdi_delete', vdiParams(sim, 'vdi_delete', V1))).toEqual(fault(24, /active RW on host xcp-b/));
    expect(h.effects).toEqual(['lock', 'unlock']);
  });
});

describe('vdi_attach / vdi_detach', () => {
  it("answers the backend's path, params_nbd and the xenstore data, changing nothing", async () => {
    const h = harness(healthyWorld(), sim);
    const r = await send(h, 'vdi_attach', vdiParams(sim, 'vdi_attach', V1, { args: ['true'], master: false }));
    expect(r).toEqual({
      kind: 'result',
      value: expect.objectContaining({ params: `/dev/sm/backend/${SR_UUID}/${VDI_UUID}`, params_nbd: '' }),
    });
    expect(h.effects).toEqual(['lock', 'unlock']);
  });

  it('refuses a VDI whose LV is missing, and a copy that is not usable', async () => {
    expect(
      await send(harness({ ...healthyWorld(), lvs: [] }, sim), 'vdi_attach', vdiParams(sim, 'vdi_attach', V1, { args: ['true'] })),
    ).toEqual(fault(144, /xe sr-scan/));
    expect(
      await send(
        harness({ ...healthyWorld(), drbd: drbdState('Connecting', 'Outdated', 'DUnknown') }, sim),
        'vdi_attach',
        vdiParams(sim, 'vdi_attach', V1, { args: ['true'] }),
      ),
    ).toEqual(fault(5104));
  });

  it('promotes a host whose resource went Secondary under a plugged PBD (split-brain recovery), as sr_attach would', async () => {
    const h = harness({ ...healthyWorld(), drbd: drbdState('Established', 'UpToDate', 'UpToDate', 'Secondary') }, sim);
    const r = await send(h, 'vdi_attach', vdiParams(sim, 'vdi_attach', V1, { args: ['true'], master: false }));
    expect(r).toEqual({ kind: 'result', value: expect.objectContaining({ params: `/dev/sm/backend/${SR_UUID}/${VDI_UUID}` }) });
    expect(h.effects).toEqual(['lock', 'drbd promote', 'unlock']);
  });

  it('does not promote a Secondary that is StandAlone or still looking for its peer, nor hide a failed promotion', async () => {
    const standAlone = harness({ ...healthyWorld(), drbd: drbdState('StandAlone', 'UpToDate', 'DUnknown', 'Secondary', 'Unknown') }, sim);
    expect(await send(standAlone, 'vdi_attach', vdiParams(sim, 'vdi_attach', V1, { args: ['true'] }))).toEqual(fault(5103));
    const connecting = harness({ ...healthyWorld(), drbd: drbdState('Connecting', 'UpToDate', 'DUnknown', 'Secondary', 'Unknown') }, sim);
    expect(await send(connecting, 'vdi_attach', vdiParams(sim, 'vdi_attach', V1, { args: ['true'] }))).toEqual(fault(5101));
    expect([...standAlone.effects, ...connecting.effects]).toEqual(['lock', 'unlock', 'lock', 'unlock']);
    const refused = harness(
      {
        ...healthyWorld(),
        drbd: drbdState('Established', 'UpToDate', 'UpToDate', 'Secondary'),
        promoteFails: { kind: 'other', message: 'State change failed' },
      },
      sim,
    );
    expect(await send(refused, 'vdi_attach', vdiParams(sim, 'vdi_attach', V1, { args: ['true'] }))).toEqual(
      fault(5105, /State change failed/),
    );
  });

  it('detach undoes what a killed activation left: backend, active LV', async () => {
    const lvs = CAPTURED.lvs().map((l) => ({ ...l, active: l.name === `LV-${VDI_UUID}` }));
    const h = harness({ ...healthyWorld(), lvs }, sim);
    expect(await send(h, 'vdi_detach', vdiParams(sim, 'vdi_detach', V1))).toEqual(ok);
    expect(h.effects).toEqual(['lock', `backend close ${VDI_UUID}`, `lvm lvchange -an ${LV}`, 'unlock']);
    const idle = harness(healthyWorld(), sim);
    expect(await send(idle, 'vdi_detach', vdiParams(sim, 'vdi_detach', V1))).toEqual(ok);
    expect(idle.effects).toEqual(['lock', 'unlock']);
  });
});

describe('vdi_resize', () => {
  it('grows the LV on the master and records the size', async () => {
    const h = harness(healthyWorld(), sim);
    expect(await send(h, 'vdi_resize', vdiParams(sim, 'vdi_resize', V1, { args: ['33554432'] }))).toEqual({
      kind: 'result',
      value: { uuid: VDI_UUID, location: VDI_UUID },
    });
    expect(h.effects).toEqual(['lock', `lvm lvextend --config global{metadata_read_only=0} -L 33554432b ${LV}`, 'unlock']);
    expect(sim.db.VDI[V1]).toMatchObject({ virtual_size: '33554432' });
  });

  it('never shrinks', async () => {
    expect(await send(harness(healthyWorld(), sim), 'vdi_resize', vdiParams(sim, 'vdi_resize', V1, { args: ['4194304'] }))).toEqual(
      fault(79, /would lose data/),
    );
  });
});

describe('vdi_activate: the guard rail', () => {
  const activate = (host: string, vdiRef: string, vdiUuid = VDI_UUID, mode = 'true') =>
    vdiParams(sim, 'vdi_activate', vdiRef, { host, master: host === HOST_A, args: [mode], vdiUuid });

  it('marks this host, activates and refreshes the LV, opens the backend, releasing the pool-wide lock', async () => {
    addVm(V1, 'start');
    const h = harness(healthyWorld(), sim);
    expect(await send(h, 'vdi_activate', activate(HOST_B, V1))).toEqual(ok);
    expect(h.effects).toEqual([
      'lock',
      `lvm lvchange -ay ${LV}`,
      `lvm lvchange --refresh ${LV}`,
      `backend open ${VDI_UUID} RW /dev/${LV}`,
      'unlock',
    ]);
    expect(sim.db.VDI[V1]!.sm_config).toEqual({ [`host_${HOST_B}`]: 'RW' });
    expect(sim.db.SR[SR_REF]!.sm_config).toEqual({});
    const methods = sim.calls.map((c) => c.method);
    expect(methods.indexOf('SR.add_to_sm_config')).toBeLessThan(methods.indexOf('SR.get_VDIs'));
    expect(methods.indexOf('VDI.add_to_sm_config')).toBeLessThan(methods.lastIndexOf('SR.remove_from_sm_config'));
  });

  it('refuses a VM start on B while another VDI of the SR is active RW on A', async () => {
    sim.db.VDI[V2]!.sm_config[`host_${HOST_A}`] = 'RW';
    addVm(V1, 'start');
    const h = harness(healthyWorld(), sim);
    expect(await send(h, 'vdi_activate', activate(HOST_B, V1))).toEqual(
      fault(5106, /refusing a VM start on host xcp-b: VDIs of this SR are active RW on host xcp-a \(VDI 9c1d/),
    );
    expect(h.effects).toEqual(['lock', 'unlock']);
    expect(sim.db.VDI[V1]!.sm_config).toEqual({});
    expect(sim.db.SR[SR_REF]!.sm_config).toEqual({});
  });

  it("allows the split when this VDI's VM is being XenMotioned A→B, with DRBD in sync", async () => {
    sim.db.VDI[V2]!.sm_config[`host_${HOST_A}`] = 'RW';
    addVm(V1, 'migrate A→B');
    const h = harness(healthyWorld(), sim);
    expect(await send(h, 'vdi_activate', activate(HOST_B, V1))).toEqual(ok);
    expect(h.logs.join('\n')).toMatch(/allowed \(migration-split\)/);
  });

  it('refuses the split while the peer is not UpToDate (both hosts would write)', async () => {
    sim.db.VDI[V2]!.sm_config[`host_${HOST_A}`] = 'RW';
    addVm(V1, 'migrate A→B');
    const h = harness({ ...healthyWorld(), drbd: drbdState('SyncSource', 'UpToDate', 'Inconsistent') }, sim);
    expect(await send(h, 'vdi_activate', activate(HOST_B, V1))).toEqual(fault(5102));
  });

  it("refuses while another host holds the activation lock, naming it; takes over this host's killed one", async () => {
    addVm(V1, 'start');
    sim.db.SR[SR_REF]!.sm_config[LOCK_KEY] = lockValue(HOST_A, new Date('2026-11-22T01:59:00Z'));
    const h = harness(healthyWorld(), sim);
    expect(await send(h, 'vdi_activate', activate(HOST_B, V1))).toEqual(fault(5107, /held by host xcp-a for 60 s/));
    sim.db.SR[SR_REF]!.sm_config[LOCK_KEY] = lockValue(HOST_B, new Date('2026-11-22T01:59:00Z'));
    const again = harness(healthyWorld(), sim);
    expect(await send(again, 'vdi_activate', activate(HOST_B, V1))).toEqual(ok);
    expect(again.logs.join('\n')).toMatch(/taking over this host's activation lock left by a killed driver process/);
    expect(sim.db.SR[SR_REF]!.sm_config).toEqual({});
  });

  it('takes the mark back when the LV or the backend fails', async () => {
    addVm(V1, 'start');
    const h = harness({ ...healthyWorld(), backendFails: 'tap-ctl: no such device' }, sim);
    expect(await send(h, 'vdi_activate', activate(HOST_B, V1))).toEqual(fault(1200, /no such device/));
    expect(sim.db.VDI[V1]!.sm_config).toEqual({});
    const lvmFails = harness({ ...healthyWorld(), execFails: { lvchange: 'Volume group not found' } }, sim);
    expect(await send(lvmFails, 'vdi_activate', activate(HOST_B, V1))).toEqual(fault(52, /host xcp-b: 'lvchange -ay/));
    expect(sim.db.VDI[V1]!.sm_config).toEqual({});
  });

  it('promotes a Secondary before marking, and marks RO for a read-only activation', async () => {
    addVm(V1, 'start');
    const h = harness({ ...healthyWorld(), drbd: drbdState('Established', 'UpToDate', 'UpToDate', 'Secondary', 'Secondary') }, sim);
    expect(await send(h, 'vdi_activate', activate(HOST_A, V1, VDI_UUID, 'false'))).toEqual(ok);
    expect(h.effects.slice(0, 2)).toEqual(['lock', 'drbd promote']);
    expect(h.effects).toContain(`backend open ${VDI_UUID} RO /dev/${LV}`);
    expect(sim.db.VDI[V1]!.sm_config).toEqual({ [`host_${HOST_A}`]: 'RO' });
  });

  it('upgrades an RO mark to RW, never the reverse', async () => {
    addVm(V1, 'start');
    sim.db.VDI[V1]!.sm_config[`host_${HOST_A}`] = 'RO';
    expect(await send(harness(healthyWorld(), sim), 'vdi_activate', activate(HOST_A, V1))).toEqual(ok);
    expect(sim.db.VDI[V1]!.sm_config).toEqual({ [`host_${HOST_A}`]: 'RW' });
    expect(await send(harness(healthyWorld(), sim), 'vdi_activate', activate(HOST_A, V1, VDI_UUID, 'false'))).toEqual(ok);
    expect(sim.db.VDI[V1]!.sm_config).toEqual({ [`host_${HOST_A}`]: 'RW' });
  });

  it('deactivate closes the backend, takes the LV down, then removes the mark; twice is fine', async () => {
    sim.db.VDI[V1]!.sm_config[`host_${HOST_B}`] = 'RW';
    const lvs = CAPTURED.lvs().map((l) => ({ ...l, active: l.name === `LV-${VDI_UUID}` }));
    const h = harness({ ...healthyWorld(), lvs }, sim);
    expect(await send(h, 'vdi_deactivate', vdiParams(sim, 'vdi_deactivate', V1, { host: HOST_B, master: false }))).toEqual(ok);
    expect(h.effects).toEqual(['lock', `backend close ${VDI_UUID}`, `lvm lvchange -an ${LV}`, 'unlock']);
    expect(sim.db.VDI[V1]!.sm_config).toEqual({});
    const again = harness(healthyWorld(), sim);
    expect(await send(again, 'vdi_deactivate', vdiParams(sim, 'vdi_deactivate', V1, { host: HOST_B, master: false }))).toEqual(ok);
  });

  it("refuses a VDI whose location is not its uuid (not one of this driver's)", async () => {
    const p = activate(HOST_B, V1);
    expect(await send(harness(healthyWorld(), sim), 'vdi_activate', { ...p, vdi_location: 'something-else' })).toEqual(
      fault(144, /not its uuid/),
    );
  });
});
