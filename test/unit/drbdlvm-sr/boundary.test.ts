import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DrbdError } from '../../../src/drbd/drbd';
import type { ResourceName } from '../../../src/drbd/types';
import type { LvmPort } from '../../../src/lvm/lvm';
import type { PvReport } from '../../../src/lvm/types';
import { answer } from '../../../src/drbdlvm-sr/boundary';
import { SM_COMMANDS } from '../../../src/drbdlvm-sr/commands';
import { HANDLERS, type HandlerContext } from '../../../src/drbdlvm-sr/dispatch';
import { DRIVER_INFO } from '../../../src/drbdlvm-sr/driver-info';
import type { DrbdSrPort, Ports } from '../../../src/drbdlvm-sr/ports';
import { decodeMethodResponse } from '../../../src/drbdlvm-sr/xmlrpc-decode';
import { encodeMethodCall } from '../../../src/drbdlvm-sr/xmlrpc-encode';

const FIX = join(__dirname, '../../fixtures/xapi');
const fixture = (name: string) => readFileSync(join(FIX, name), 'utf8');

const untouched = (): never => {
  throw new Error('this command must not touch the host or xapi');
};
const noPorts: HandlerContext = { ports: untouched, xapi: untouched, srLock: async () => ({ release: () => undefined }) };

function fakePorts(pv: PvReport | undefined, devices: () => Promise<{ path: string; major: number; minor: number; hex: string }[]>) {
  const lines: string[] = [];
  const drbd: DrbdSrPort = {
    resolve: async (ref) => ({ target: { name: ref.name }, devices: await devices() }),
    state: async () => {
      throw new Error('unused');
    },
    promote: async () => ({ ok: true, argv: ['drbdadm', 'primary', 'r0'] }),
    demote: async () => ({ ok: true, argv: ['drbdadm', 'secondary', 'r0'] }),
  };
  const lvm: LvmPort = { vg: async () => undefined, lvs: async () => [], pv: async () => pv, exec: async () => undefined };
  const ports: Ports = {
    drbd,
    lvm,
    backend: untouched,
    log: { log: (_l, m) => lines.push(m) },
    clock: { now: () => 0, sleep: async () => undefined },
  };
  const ctx: HandlerContext = { ...noPorts, ports: () => ports };
  return { ctx, lines };
}

async function call(command: string, params: Record<string, unknown>, ctx = noPorts) {
  const a = await answer([encodeMethodCall(command, [params as never], 'xapi')], ctx);
  return { ...a, decoded: await decodeMethodResponse(a.stdout) };
}

const srParams = (command: string, extra: Record<string, unknown> = {}) => ({
  host_ref: 'OpaqueRef:h',
  command,
  args: [],
  device_config: { SRmaster: 'true', resource: 'r0' },
  session_ref: 'OpaqueRef:s',
  sr_ref: 'OpaqueRef:sr',
  sr_uuid: '3b2f4c1e-7a55-8c1d-0e7f-2a9b6c4d8e11',
  ...extra,
});
const vdiParams = (command: string) =>
  srParams(command, {
    vdi_ref: 'OpaqueRef:v',
    vdi_uuid: 'f37ef400-7016-4af6-99bb-baa5fa06f0fc',
    vdi_location: 'f37ef400-7016-4af6-99bb-baa5fa06f0fc',
  });

describe('answer: argv in, stdout out', () => {
  it('answers sr_get_driver_info from the xapi payload without touching the host', async () => {
    const a = await answer([fixture('request-sr_get_driver_info.xml')], noPorts);
    expect(a.fault).toBeUndefined();
    expect(await decodeMethodResponse(a.stdout)).toEqual({ kind: 'result', value: DRIVER_INFO });
  });

  it.each(['vdi_epoch_begin', 'vdi_epoch_end', 'vdi_update'])(
    '%s answers <nil/> (xapi calls it regardless of capabilities)',
    async (command) => {
      const r = await call(command, vdiParams(command));
      expect(r.decoded).toEqual({ kind: 'result', value: null });
      expect(r.stdout).toContain('<value><nil/></value></param>');
    },
  );

  it.each(['sr_create', 'sr_attach', 'vdi_create', 'vdi_attach', 'vdi_activate'])(
    "the real xapi %s payload (docs/smapi.md §3's illustrative device-config) is refused before the SR lock or any host call",
    async (command) => {
      const a = await answer([fixture(`request-${command}.xml`)], noPorts);
      expect(a.fault?.code).toBe(115);
      expect(a.fault?.message).toMatch(/device-config:resource is required/);
    },
  );

  it('runs a valid SR command under the SR lock and releases it after a fault', async () => {
    const locked: string[] = [];
    const ctx: HandlerContext = {
      ...noPorts,
      srLock: async (sr) => (locked.push(`take ${sr}`), { release: () => void locked.push('release') }),
      ports: () => {
        locked.push('ports');
        throw new Error('no host here');
      },
    };
    const a = await answer([encodeMethodCall('sr_attach', [srParams('sr_attach') as never], 'xapi')], ctx);
    expect(a.fault?.code).toBe(1200);
    expect(locked).toEqual(['take 3b2f4c1e-7a55-8c1d-0e7f-2a9b6c4d8e11', 'ports', 'release']);
  });

  it.each(['vdi_snapshot', 'vdi_clone', 'vdi_generate_config', 'vdi_introduce'])(
    '%s is fault 38, which xapi maps to "not supported"',
    async (command) => {
      const r = await call(command, command === 'vdi_introduce' ? srParams(command) : vdiParams(command));
      expect(r.fault?.code).toBe(38);
    },
  );

  it('has a handler for every SM command', () => {
    expect(Object.keys(HANDLERS).sort()).toEqual([...SM_COMMANDS].sort());
  });

  it.each<[string, string[], number, RegExp]>([
    ['no argument', [], 143, /got 0 arguments/],
    ['two arguments', ['<a/>', '<b/>'], 143, /got 2 arguments/],
    ['not XML', ['hello'], 49, /The request is not valid XML \[opterr=not well-formed XML/],
    ['not a methodCall', ['<methodResponse/>'], 49, /expected <methodCall>/],
  ])('%s → fault %i', async (_what, args, code, message) => {
    const a = await answer(args, noPorts);
    expect(a.fault?.code).toBe(code);
    expect(a.fault?.message).toMatch(message);
    expect((await decodeMethodResponse(a.stdout)).kind).toBe('fault');
  });

  it('turns an unexpected exception into GenericException 1200 with its text', async () => {
    const { ctx } = fakePorts(undefined, async () => {
      throw new TypeError('boom');
    });
    const r = await call(
      'sr_probe',
      {
        host_ref: 'OpaqueRef:h',
        command: 'sr_probe',
        args: [],
        device_config: { resource: 'r0' },
        session_ref: 'OpaqueRef:s',
        sr_sm_config: {},
      },
      ctx,
    );
    expect(r.fault).toEqual({ code: 1200, message: 'Unexpected error in the SM driver [opterr=TypeError: boom]' });
  });
});

describe('sr_probe', () => {
  const probe = (device_config: Record<string, string>, ctx: HandlerContext) =>
    call(
      'sr_probe',
      { host_ref: 'OpaqueRef:h', command: 'sr_probe', args: [], device_config, session_ref: 'OpaqueRef:s', sr_sm_config: {} },
      ctx,
    );
  const drbd0 = async () => [{ path: '/dev/drbd0', major: 147, minor: 0, hex: '93:0' }];

  it('lists the SR the device holds, in the SRlist form', async () => {
    const { ctx } = fakePorts(
      { name: '/dev/drbd0', vgName: 'VG_XenStorage-3b2f4c1e-7a55-8c1d-0e7f-2a9b6c4d8e11', vgUuid: 'x', size: 1n, vgSize: 197132288n },
      drbd0,
    );
    const r = await probe({ resource: 'r0' }, ctx);
    expect(r.decoded).toEqual({
      kind: 'result',
      value:
        '<?xml version="1.0" ?>\n<SRlist><SR><UUID>3b2f4c1e-7a55-8c1d-0e7f-2a9b6c4d8e11</UUID><Devlist>/dev/drbd0</Devlist><size>197132288</size></SR></SRlist>',
    });
  });

  it('gives an empty list for a device with no VG or a foreign VG', async () => {
    for (const pv of [undefined, { name: '/dev/drbd0', vgName: 'vg0', vgUuid: 'x', size: 1n, vgSize: 1n }]) {
      const { ctx } = fakePorts(pv, drbd0);
      expect((await probe({ resource: 'r0' }, ctx)).decoded).toEqual({
        kind: 'result',
        value: '<?xml version="1.0" ?>\n<SRlist></SRlist>',
      });
    }
  });

  it('fails clearly on a host without the resource (a third pool host)', async () => {
    const { ctx } = fakePorts(undefined, async () => {
      throw new DrbdError("r0: 'r0' not defined in your config (for this host)", 'other');
    });
    const r = await probe({ resource: 'r0' }, ctx);
    expect(r.fault?.code).toBe(5100);
    expect(r.fault?.message).toMatch(/not configured or not up on this host \[opterr=r0: 'r0' not defined/);
  });

  it('asks for a volume when the resource has several', async () => {
    const { ctx } = fakePorts(undefined, async () => [
      { path: '/dev/drbd0', major: 147, minor: 0, hex: '93:0' },
      { path: '/dev/drbd1', major: 147, minor: 1, hex: '93:1' },
    ]);
    expect((await probe({ resource: 'r0' }, ctx)).fault?.message).toMatch(/has 2 volumes; name one with device-config:volume/);
  });

  it('refuses a missing or bad resource before running anything', async () => {
    expect((await probe({}, noPorts)).fault?.code).toBe(115);
    expect((await probe({ resource: '--force' }, noPorts)).fault?.code).toBe(91);
  });

  it('passes the configured volume to DRBD', async () => {
    const seen: unknown[] = [];
    const { ctx } = fakePorts(undefined, async () => drbd0());
    const ports = ctx.ports();
    const spy = {
      ...ports,
      drbd: {
        ...ports.drbd,
        resolve: async (ref: { name: ResourceName; volume?: number }) => (
          seen.push(ref),
          { target: { name: ref.name }, devices: await drbd0() }
        ),
      },
    };
    await probe({ resource: 'r0', volume: '1' }, { ...noPorts, ports: () => spy });
    expect(seen).toEqual([{ name: 'r0', volume: 1 }]);
  });
});
