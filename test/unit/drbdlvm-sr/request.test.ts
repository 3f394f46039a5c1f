import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SrError } from '../../../src/drbdlvm-sr/errors';
import { toSmRequest } from '../../../src/drbdlvm-sr/request';
import { decodeMethodCall } from '../../../src/drbdlvm-sr/xmlrpc-decode';

const FIX = join(__dirname, '../../fixtures/xapi');
const request = async (name: string) => toSmRequest(await decodeMethodCall(readFileSync(join(FIX, name), 'utf8')));

function faultOf(f: () => unknown): [number, string] {
  try {
    f();
  } catch (e) {
    if (e instanceof SrError) return [e.code, e.message];
    throw e;
  }
  throw new Error('no fault');
}

describe('toSmRequest', () => {
  it('types vdi_activate from the xapi payload', async () => {
    expect(await request('request-vdi_activate.xml')).toEqual({
      command: 'vdi_activate',
      hostRef: 'OpaqueRef:5d3c1c7e-2f1e-4b38-9d0c-0c0b4c1f6a10',
      args: ['true'],
      deviceConfig: { SRmaster: 'false', device: '/dev/drbd/by-res/xcp-sr/0' },
      sessionRef: 'OpaqueRef:0f7c2d9a-91f4-4c7e-b1a3-5e2b8c4d7f21',
      srRef: 'OpaqueRef:c523a79a-8a60-121c-832e-d507586cb117',
      srUuid: '3b2f4c1e-7a55-8c1d-0e7f-2a9b6c4d8e11',
      vdiRef: 'OpaqueRef:bd76d0de-6936-49d2-8125-fa692372ee72',
      vdiLocation: 'f37ef400-7016-4af6-99bb-baa5fa06f0fc',
      vdiUuid: 'f37ef400-7016-4af6-99bb-baa5fa06f0fc',
      subtaskOf: 'DummyRef:|9a1e2f3b-4c5d-6e7f-8091-a2b3c4d5e6f7|VDI.activate3',
      vdiOnBoot: 'persist',
      vdiAllowCaching: 'false',
    });
  });

  it('types vdi_create, with its type and sm-config, and sr_get_driver_info without a session', async () => {
    expect(await request('request-vdi_create.python.xml')).toMatchObject({
      command: 'vdi_create',
      vdiType: 'system',
      vdiSmConfig: {},
      deviceConfig: { SRmaster: 'true', resource: 'r0' },
    });
    expect(await request('request-sr_get_driver_info.xml')).toEqual({
      command: 'sr_get_driver_info',
      hostRef: 'OpaqueRef:5d3c1c7e-2f1e-4b38-9d0c-0c0b4c1f6a10',
      args: [],
      deviceConfig: {},
    });
  });

  const base = {
    host_ref: 'OpaqueRef:h',
    command: 'vdi_detach',
    args: [],
    device_config: {},
    session_ref: 'OpaqueRef:s',
    sr_ref: 'OpaqueRef:sr',
    sr_uuid: 'u',
  };

  it.each<[string, { methodName: string; params: unknown[] }, number, RegExp]>([
    ['no parameter', { methodName: 'sr_scan', params: [] }, 143, /expected one struct parameter, got 0/],
    ['a string parameter', { methodName: 'sr_scan', params: ['x'] }, 143, /not a struct/],
    ['an unknown command', { methodName: 'vdi_frobnicate', params: [{}] }, 38, /unknown command 'vdi_frobnicate'/],
    [
      'command member disagreeing',
      { methodName: 'sr_scan', params: [{ ...base, command: 'sr_delete' }] },
      143,
      /methodName 'sr_scan' but command member 'sr_delete'/,
    ],
    ['no host_ref', { methodName: 'sr_scan', params: [{ ...base, command: 'sr_scan', host_ref: undefined }] }, 143, /host_ref is missing/],
    ['a VDI call without the VDI', { methodName: 'vdi_detach', params: [base] }, 143, /vdi_detach needs vdi_ref/],
    [
      'an SR call without the SR',
      { methodName: 'sr_scan', params: [{ ...base, command: 'sr_scan', sr_uuid: undefined }] },
      143,
      /sr_scan needs sr_uuid/,
    ],
    [
      'args not strings',
      { methodName: 'sr_scan', params: [{ ...base, command: 'sr_scan', args: [1] }] },
      143,
      /args must be an array of strings/,
    ],
    [
      'device_config not strings',
      { methodName: 'sr_scan', params: [{ ...base, command: 'sr_scan', device_config: { a: ['x'] } }] },
      143,
      /device_config.a must be a string/,
    ],
  ])('%s → fault %i', (_what, call, code, message) => {
    const clean = { ...call, params: call.params.map((p) => (typeof p === 'object' && p !== null ? JSON.parse(JSON.stringify(p)) : p)) };
    const [c, m] = faultOf(() => toSmRequest(clean as never));
    expect(c).toBe(code);
    expect(m).toMatch(message);
  });

  it('ignores members it does not know (a newer xapi may add some)', () => {
    const r = toSmRequest({ methodName: 'sr_scan', params: [{ ...base, command: 'sr_scan', brand_new: 'x' }] });
    expect(r.command).toBe('sr_scan');
    expect(r).not.toHaveProperty('brand_new');
  });
});
