// The XapiPort against the XenAPI simulator, over a real Unix socket.
import { decideActivate, hostKey } from '../../../src/drbdlvm-sr/guard-rails';
import { Xapi } from '../../../src/drbdlvm-sr/xapi';
import { XapiFailure, xapiCaller } from '../../../src/drbdlvm-sr/xapi-rpc';
import { emptyDb, NULL_REF, startXapiSim, type XapiSim } from '../../support/xapi-sim';
import { drbdState } from './drbd-state';

const A = 'OpaqueRef:host-a';
const B = 'OpaqueRef:host-b';
const SR = 'OpaqueRef:sr';
const SUBTASK = 'DummyRef:|9a1e2f3b|VDI.activate3';

let sim: XapiSim;
let xapi: Xapi;

beforeEach(async () => {
  const db = emptyDb();
  db.host[A] = { uuid: 'ha', name_label: 'xcp-a' };
  db.host[B] = { uuid: 'hb', name_label: 'xcp-b' };
  db.SR[SR] = { uuid: 'sr-uuid', sm_config: {}, physical_size: '0', physical_utilisation: '0', virtual_allocation: '0' };
  const vdi = (uuid: string, sm: Record<string, string>) => ({
    uuid,
    SR,
    name_label: uuid,
    name_description: '',
    type: 'user',
    location: uuid,
    sm_config: sm,
    virtual_size: '4194304',
    physical_utilisation: '4194304',
    read_only: false,
    managed: true,
  });
  db.VDI['OpaqueRef:vdi-1'] = vdi('u1', {});
  db.VDI['OpaqueRef:vdi-2'] = vdi('u2', { [hostKey(A)]: 'RW' });
  db.VM['OpaqueRef:vm-1'] = {
    uuid: 'vm1',
    current_operations: { 'OpaqueRef:task': 'pool_migrate' },
    resident_on: A,
    scheduled_to_be_resident_on: B,
    is_control_domain: false,
  };
  db.VM['OpaqueRef:vm-2'] = {
    uuid: 'vm2',
    current_operations: {},
    resident_on: A,
    scheduled_to_be_resident_on: NULL_REF,
    is_control_domain: false,
  };
  db.VBD['OpaqueRef:vbd-1'] = { VM: 'OpaqueRef:vm-1', VDI: 'OpaqueRef:vdi-1' };
  db.VBD['OpaqueRef:vbd-2'] = { VM: 'OpaqueRef:vm-2', VDI: 'OpaqueRef:vdi-2' };
  sim = await startXapiSim(db);
  xapi = new Xapi(xapiCaller(sim.session(), { socketPath: sim.socketPath, subtaskOf: SUBTASK }));
});

afterEach(() => sim.close());

describe('Xapi (XapiPort) over XML-RPC on a Unix socket', () => {
  it("reads the SR's VDIs with their sm-config", async () => {
    expect(await xapi.srVdis(SR)).toEqual([
      { ref: 'OpaqueRef:vdi-1', uuid: 'u1', smConfig: {} },
      { ref: 'OpaqueRef:vdi-2', uuid: 'u2', smConfig: { [hostKey(A)]: 'RW' } },
    ]);
  });

  it("reads a VDI's VMs, with NULL refs left out", async () => {
    expect(await xapi.vmsOfVdi('OpaqueRef:vdi-1')).toEqual([
      {
        ref: 'OpaqueRef:vm-1',
        uuid: 'vm1',
        currentOperations: ['pool_migrate'],
        residentOn: A,
        scheduledToBeResidentOn: B,
        isControlDomain: false,
      },
    ]);
    expect(await xapi.vmsOfVdi('OpaqueRef:vdi-2')).toEqual([
      { ref: 'OpaqueRef:vm-2', uuid: 'vm2', currentOperations: [], residentOn: A, isControlDomain: false },
    ]);
  });

  it('feeds the guard rail: a XenMotion A→B may activate on B while A runs other VMs', async () => {
    const srVdis = await xapi.srVdis(SR);
    const input = { host: B, writable: true, srVdis, drbd: drbdState('Established') };
    const migrating = decideActivate({ ...input, vdi: srVdis[0]!, vms: await xapi.vmsOfVdi('OpaqueRef:vdi-1') });
    expect(migrating).toEqual({ allow: true, why: 'migration-split' });
    sim.db.VM['OpaqueRef:vm-1']!.current_operations = { 'OpaqueRef:t2': 'start' };
    sim.db.VM['OpaqueRef:vm-1']!.resident_on = NULL_REF;
    const start = decideActivate({ ...input, vdi: srVdis[0]!, vms: await xapi.vmsOfVdi('OpaqueRef:vdi-1') });
    expect(start).toMatchObject({ allow: false, error: 'ActiveOnOtherHost' });
  });

  it('takes the SR activation lock atomically (MAP_DUPLICATE_KEY → taken)', async () => {
    expect(await xapi.addToSrSmConfig(SR, 'drbdlvm-activating', `${B}@t`)).toBe('added');
    expect(await xapi.addToSrSmConfig(SR, 'drbdlvm-activating', `${A}@t`)).toBe('taken');
    expect(await xapi.srSmConfig(SR)).toEqual({ 'drbdlvm-activating': `${B}@t` });
    await xapi.removeFromSrSmConfig(SR, 'drbdlvm-activating');
    expect(await xapi.addToSrSmConfig(SR, 'drbdlvm-activating', `${A}@t`)).toBe('added');
  });

  it('writes and clears host_<ref> on a VDI', async () => {
    expect(await xapi.addToVdiSmConfig('OpaqueRef:vdi-1', hostKey(B), 'RW')).toBe('added');
    expect(sim.db.VDI['OpaqueRef:vdi-1']?.sm_config).toEqual({ [hostKey(B)]: 'RW' });
    await xapi.removeFromVdiSmConfig('OpaqueRef:vdi-1', hostKey(B));
    expect(sim.db.VDI['OpaqueRef:vdi-1']?.sm_config).toEqual({});
  });

  it('introduces a VDI record with the 19 typed parameters, and forgets it', async () => {
    const ref = await xapi.dbIntroduce(SR, {
      uuid: 'u3',
      nameLabel: '中文机器 0',
      nameDescription: 'd',
      type: 'user',
      readOnly: false,
      location: 'u3',
      smConfig: { vdi_type: 'aio' },
      virtualSize: 10737418240n,
      physicalUtilisation: 10737418240n,
    });
    expect(sim.db.VDI[ref]).toMatchObject({
      uuid: 'u3',
      SR,
      name_label: '中文机器 0',
      virtual_size: '10737418240',
      sm_config: { vdi_type: 'aio' },
      managed: true,
    });
    await xapi.dbForget(ref);
    expect(sim.db.VDI[ref]).toBeUndefined();
  });

  it("reads one VDI's sm-config, and sets its sizes as int64 strings", async () => {
    expect(await xapi.vdiSmConfig('OpaqueRef:vdi-2')).toEqual({ [hostKey(A)]: 'RW' });
    await xapi.setVdiSizes('OpaqueRef:vdi-1', { virtualSize: 10737418240n, physicalUtilisation: 10737418240n });
    expect(sim.db.VDI['OpaqueRef:vdi-1']).toMatchObject({ virtual_size: '10737418240', physical_utilisation: '10737418240' });
  });

  it('sets the SR sizes as int64 strings', async () => {
    await xapi.setSrSizes(SR, { physicalSize: 197132288n, physicalUtilisation: 125829120n, virtualAllocation: 125829120n });
    expect(sim.db.SR[SR]).toMatchObject({ physical_size: '197132288', physical_utilisation: '125829120', virtual_allocation: '125829120' });
  });

  it('names hosts, and sends Subtask-of with every call', async () => {
    expect(await xapi.hostName(A)).toBe('xcp-a');
    expect(sim.calls.every((c) => c.subtaskOf === SUBTASK)).toBe(true);
  });

  it("surfaces xapi's failures with their error names", async () => {
    await expect(xapi.srVdis('OpaqueRef:nope')).rejects.toThrow(new XapiFailure('SR.get_VDIs', ['HANDLE_INVALID', 'SR', 'OpaqueRef:nope']));
    const stranger = new Xapi(xapiCaller('OpaqueRef:not-a-session', { socketPath: sim.socketPath }));
    await expect(stranger.hostName(A)).rejects.toMatchObject({ code: 'SESSION_INVALID' });
  });
});
