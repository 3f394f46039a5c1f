// sr_update end to end below the process boundary: the xapi payload in, LVM reports (real lvm2
// captures) read through a fake LvmPort, the sizes written into the XenAPI simulator.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LvmPort } from '../../../src/lvm/lvm';
import { parseLvs, parseVgs } from '../../../src/lvm/parse/report-json';
import { answer } from '../../../src/drbdlvm-sr/boundary';
import type { HandlerContext } from '../../../src/drbdlvm-sr/dispatch';
import type { Ports } from '../../../src/drbdlvm-sr/ports';
import { Xapi } from '../../../src/drbdlvm-sr/xapi';
import { xapiCaller } from '../../../src/drbdlvm-sr/xapi-rpc';
import { decodeMethodResponse } from '../../../src/drbdlvm-sr/xmlrpc-decode';
import { encodeMethodCall } from '../../../src/drbdlvm-sr/xmlrpc-encode';
import { emptyDb, startXapiSim, type XapiSim } from '../../support/xapi-sim';

const CAP = join(__dirname, '../lvm/fixtures/lvm2-2.03.16');
const out = (name: string) => readFileSync(join(CAP, `${name}.stdout`), 'utf8');
const SR_UUID = '3b2f4c1e-7a55-8c1d-0e7f-2a9b6c4d8e11';
const SR = 'OpaqueRef:c523a79a-8a60-121c-832e-d507586cb117';
const SUBTASK = 'DummyRef:|aa4e|SR.stat';

let sim: XapiSim;
beforeEach(async () => {
  const db = emptyDb();
  db.SR[SR] = { uuid: SR_UUID, sm_config: {}, physical_size: '0', physical_utilisation: '0', virtual_allocation: '0' };
  sim = await startXapiSim(db);
});
afterEach(() => sim.close());

function context(vgPresent: boolean): HandlerContext {
  const lvm: LvmPort = {
    vg: async (vg) => (vgPresent ? parseVgs(out('vgs-one')).find((v) => v.name === vg) : undefined),
    lvs: async () => parseLvs(out('lvs-three')),
    pv: async () => undefined,
    exec: async () => {
      throw new Error('sr_update must not change LVM');
    },
  };
  const unused = (): never => {
    throw new Error('unused');
  };
  const ports: Ports = {
    lvm,
    drbd: { resolve: unused, state: unused, promote: unused, demote: unused },
    backend: unused,
    log: { log: () => undefined },
    clock: { now: () => 0, sleep: async () => undefined },
  };
  return {
    srLock: unused,
    ports: () => ports,
    xapi: (req) =>
      new Xapi(
        xapiCaller(req.sessionRef ?? '', {
          socketPath: sim.socketPath,
          ...(req.subtaskOf === undefined ? {} : { subtaskOf: req.subtaskOf }),
        }),
      ),
  };
}

function srUpdateCall(session: string, deviceConfig: Record<string, string> = { SRmaster: 'true', resource: 'r0' }): string {
  return encodeMethodCall(
    'sr_update',
    [
      {
        host_ref: 'OpaqueRef:h',
        command: 'sr_update',
        args: [],
        device_config: deviceConfig,
        session_ref: session,
        sr_ref: SR,
        sr_uuid: SR_UUID,
        subtask_of: SUBTASK,
      },
    ],
    'xapi',
  );
}

describe('sr_update', () => {
  it("writes LVM's sizes into the SR record and answers <nil/>", async () => {
    const a = await answer([srUpdateCall(sim.session())], context(true));
    expect(await decodeMethodResponse(a.stdout)).toEqual({ kind: 'result', value: null });
    expect(sim.db.SR[SR]).toMatchObject({
      physical_size: '197132288',
      physical_utilisation: String(197132288 - 71303168),
      virtual_allocation: String(104857600 + 16777216 + 4194304),
    });
    expect(sim.calls.map((c) => c.method)).toEqual(['SR.set_physical_size', 'SR.set_physical_utilisation', 'SR.set_virtual_allocation']);
    expect(sim.calls.every((c) => c.subtaskOf === SUBTASK)).toBe(true);
  });

  it('fails with VgMissing, touching nothing in xapi, when the VG is not visible', async () => {
    const a = await answer([srUpdateCall(sim.session())], context(false));
    expect(a.fault?.code).toBe(5108);
    expect(sim.calls).toEqual([]);
  });

  it('refuses a bad device-config before reading anything', async () => {
    const a = await answer([srUpdateCall(sim.session(), { SRmaster: 'true' })], context(true));
    expect(a.fault?.code).toBe(115);
  });

  it("reports xapi's refusal (here a stale session) as a fault, not a crash", async () => {
    const a = await answer([srUpdateCall('OpaqueRef:expired')], context(true));
    expect(a.fault).toEqual({
      code: 150,
      message: 'Failed to use the XenAPI session [opterr=SR.set_physical_size: SESSION_INVALID OpaqueRef:expired]',
    });
  });
});
