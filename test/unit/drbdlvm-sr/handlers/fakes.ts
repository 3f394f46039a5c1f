// Test helper (not a test file): port fakes for the handlers. LVM answers with the real lvm2 2.03.16
// captures (test/unit/lvm/fixtures), DRBD with one observation, xapi is the real XapiPort over the
// in-process XenAPI simulator. Every host-changing call is recorded in one ordered list.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DrbdError } from '../../../../src/drbd/drbd';
import type { ResourceState } from '../../../../src/drbd/types';
import type { Argv } from '../../../../src/exec/run';
import type { LvmPort } from '../../../../src/lvm/lvm';
import { LvmError } from '../../../../src/lvm/lvm';
import { parseLvs, parsePvs, parseVgs } from '../../../../src/lvm/parse/report-json';
import type { LvReport, PvReport, VgReport } from '../../../../src/lvm/types';
import { answer } from '../../../../src/drbdlvm-sr/boundary';
import type { HandlerContext } from '../../../../src/drbdlvm-sr/context';
import type { BlockBackendPort, DrbdSrPort, Ports } from '../../../../src/drbdlvm-sr/ports';
import { Xapi } from '../../../../src/drbdlvm-sr/xapi';
import { xapiCaller } from '../../../../src/drbdlvm-sr/xapi-rpc';
import { decodeMethodResponse, type MethodResponse } from '../../../../src/drbdlvm-sr/xmlrpc-decode';
import { encodeMethodCall } from '../../../../src/drbdlvm-sr/xmlrpc-encode';
import { emptyDb, startXapiSim, type XapiSim } from '../../../support/xapi-sim';
import { drbdState } from '../drbd-state';

const CAP = join(__dirname, '../../lvm/fixtures/lvm2-2.03.16');
const out = (name: string) => readFileSync(join(CAP, `${name}.stdout`), 'utf8');

// The SR of the captures: VG_XenStorage-<SR_UUID> with MGT, LV-<VDI_UUID> (16 MiB) and a hidden LV.
export const SR_UUID = '3b2f4c1e-7a55-8c1d-0e7f-2a9b6c4d8e11';
export const VDI_UUID = 'f37ef400-7016-4af6-99bb-baa5fa06f0fc';
export const HIDDEN_UUID = '9c1d0e7f-2a9b-4c4d-8e11-3b2f4c1e7a55';
export const VG = `VG_XenStorage-${SR_UUID}`;
export const CAPTURED = {
  vg: (): VgReport => parseVgs(out('vgs-one'))[0] as VgReport,
  lvs: (): LvReport[] => parseLvs(out('lvs-three')),
  pvInVg: (): PvReport => parsePvs(out('pvs-one'))[0] as PvReport,
  barePv: (): PvReport => parsePvs(out('pvs-no-vg'))[0] as PvReport,
};

export const HOST_A = 'OpaqueRef:host-a';
export const HOST_B = 'OpaqueRef:host-b';
export const SR_REF = 'OpaqueRef:sr';
export const DEVICE = { path: '/dev/drbd0', major: 147, minor: 0, hex: '93:0' };

export interface World {
  /** DRBD's answer; undefined = the resource is not configured on this host. */
  drbd: ResourceState | undefined;
  promoteFails?: { kind: 'two-primaries' | 'other'; message: string };
  demoteFails?: { kind: 'held-open' | 'other'; message: string };
  /** promote/demote exit 0 and the role stays as it was (what the read-back must catch). */
  ignoresRoleChange?: boolean;
  vg: VgReport | undefined;
  lvs: LvReport[];
  pv: PvReport | undefined;
  /** lvm2's stderr for the first exec whose argv[0] is the key. */
  execFails?: Record<string, string>;
  backendFails?: string;
}

export function healthyWorld(): World {
  return { drbd: drbdState('Established'), vg: CAPTURED.vg(), lvs: CAPTURED.lvs(), pv: CAPTURED.pvInVg() };
}

export interface Harness {
  ctx: HandlerContext;
  /** Host-changing calls in order: `lvm <argv>`, `drbd promote`, `backend open <vdi> RW`, `lock`... */
  effects: string[];
  logs: string[];
}

export function harness(world: World, sim: XapiSim): Harness {
  const effects: string[] = [];
  const logs: string[] = [];
  let slept = 0;
  const drbd: DrbdSrPort = {
    resolve: async (ref) => {
      if (world.drbd === undefined)
        throw new DrbdError(
          `${ref.name}: cannot resolve the DRBD device: '${ref.name}' not defined in your config (for this host).`,
          'not-defined',
        );
      return { target: { name: ref.name }, devices: [DEVICE] };
    },
    state: async () => world.drbd as ResourceState,
    promote: async () => {
      effects.push('drbd promote');
      if (world.promoteFails) return { ok: false, error: new DrbdError(world.promoteFails.message, world.promoteFails.kind) };
      if (world.drbd && !world.ignoresRoleChange) world.drbd = { ...world.drbd, role: 'Primary' };
      return { ok: true, argv: ['drbdadm', 'primary', 'r0'] };
    },
    demote: async () => {
      effects.push('drbd demote');
      if (world.demoteFails) return { ok: false, error: new DrbdError(world.demoteFails.message, world.demoteFails.kind) };
      if (world.drbd && !world.ignoresRoleChange) world.drbd = { ...world.drbd, role: 'Secondary' };
      return { ok: true, argv: ['drbdadm', 'secondary', 'r0'] };
    },
  };
  const lvm: LvmPort = {
    vg: async (name) => (world.vg?.name === name ? world.vg : undefined),
    lvs: async () => world.lvs,
    pv: async () => world.pv,
    exec: async (argv: Argv) => {
      effects.push(`lvm ${argv.join(' ')}`);
      const said = world.execFails?.[argv[0]];
      if (said !== undefined) {
        throw new LvmError(`'${argv.join(' ')}' failed: ${said}`, {
          argv,
          exitCode: 5,
          signal: null,
          stdout: '',
          stderr: said,
          timedOut: false,
          durationMs: 1,
        });
      }
    },
  };
  const backend: BlockBackendPort = {
    params: (sr, vdi) => `/dev/sm/backend/${sr}/${vdi}`,
    open: async (_sr, vdi, lv, writable) => {
      effects.push(`backend open ${vdi} ${writable ? 'RW' : 'RO'} ${lv}`);
      if (world.backendFails) throw new Error(world.backendFails);
    },
    close: async (_sr, vdi) => void effects.push(`backend close ${vdi}`),
  };
  const ports: Ports = {
    drbd,
    lvm,
    backend: () => backend,
    log: { log: (l, m) => void logs.push(`${l}: ${m}`) },
    // A clock that moves only when slept on: waits are bounded by count, not by wall time.
    clock: { now: () => Date.parse('2026-11-22T02:00:00Z') + slept, sleep: async (ms) => void (slept += ms) },
  };
  const ctx: HandlerContext = {
    ports: () => ports,
    xapi: (req) => new Xapi(xapiCaller(req.sessionRef ?? '', { socketPath: sim.socketPath })),
    srLock: async () => (effects.push('lock'), { release: () => void effects.push('unlock') }),
  };
  return { ctx, effects, logs };
}

export function srParams(
  sim: XapiSim,
  command: string,
  o: { host?: string; master?: boolean; args?: string[]; dc?: Record<string, string>; extra?: Record<string, unknown> } = {},
) {
  return {
    host_ref: o.host ?? HOST_A,
    command,
    args: o.args ?? [],
    device_config: { SRmaster: String(o.master ?? true), resource: 'r0', ...o.dc },
    session_ref: sim.session(),
    sr_ref: SR_REF,
    sr_uuid: SR_UUID,
    ...o.extra,
  };
}

export function vdiParams(sim: XapiSim, command: string, vdiRef: string, o: Parameters<typeof srParams>[2] & { vdiUuid?: string } = {}) {
  const uuid = o.vdiUuid ?? VDI_UUID;
  return srParams(sim, command, { ...o, extra: { vdi_ref: vdiRef, vdi_uuid: uuid, vdi_location: uuid, ...o.extra } });
}

export async function send(h: Harness, command: string, params: object): Promise<MethodResponse> {
  const a = await answer([encodeMethodCall(command, [params as never], 'xapi')], h.ctx);
  return decodeMethodResponse(a.stdout);
}

/** The XenAPI simulator with the two pool hosts and the SR record, as every handler test starts. */
export async function startPoolSim(): Promise<XapiSim> {
  const db = emptyDb();
  db.host[HOST_A] = { uuid: 'a', name_label: 'xcp-a' };
  db.host[HOST_B] = { uuid: 'b', name_label: 'xcp-b' };
  db.SR[SR_REF] = { uuid: SR_UUID, sm_config: {}, physical_size: '0', physical_utilisation: '0', virtual_allocation: '0' };
  return startXapiSim(db);
}
