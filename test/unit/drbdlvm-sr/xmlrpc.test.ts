import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeMethodCall, decodeMethodResponse, XmlRpcDecodeError } from '../../../src/drbdlvm-sr/xmlrpc-decode';
import { encodeFault, encodeMethodCall, encodeResponse } from '../../../src/drbdlvm-sr/xmlrpc-encode';
import { XmlRpcDateTime } from '../../../src/drbdlvm-sr/xmlrpc-value';

const FIX = join(__dirname, '../../fixtures/xapi');
const fixture = (name: string): string => readFileSync(join(FIX, name), 'utf8');
const XAPI_REQUESTS = ['sr_get_driver_info', 'sr_create', 'sr_attach', 'vdi_create', 'vdi_attach', 'vdi_activate'];

describe('decodeMethodCall on xapi-format requests (docs/smapi.md §3)', () => {
  it.each(XAPI_REQUESTS)('re-encodes %s in xapi style byte for byte', async (command) => {
    const xml = fixture(`request-${command}.xml`);
    const call = await decodeMethodCall(xml);
    expect(call.methodName).toBe(command);
    expect(encodeMethodCall(call.methodName, call.params, 'xapi')).toBe(xml);
  });

  it('decodes vdi_attach into exactly the members xapi sent', async () => {
    const call = await decodeMethodCall(fixture('request-vdi_attach.xml'));
    expect(call.params).toEqual([
      {
        host_ref: 'OpaqueRef:5d3c1c7e-2f1e-4b38-9d0c-0c0b4c1f6a10',
        command: 'vdi_attach',
        args: ['true'],
        device_config: { SRmaster: 'false', device: '/dev/drbd/by-res/xcp-sr/0' },
        session_ref: 'OpaqueRef:0f7c2d9a-91f4-4c7e-b1a3-5e2b8c4d7f21',
        sr_ref: 'OpaqueRef:c523a79a-8a60-121c-832e-d507586cb117',
        sr_uuid: '3b2f4c1e-7a55-8c1d-0e7f-2a9b6c4d8e11',
        vdi_ref: 'OpaqueRef:bd76d0de-6936-49d2-8125-fa692372ee72',
        vdi_location: 'f37ef400-7016-4af6-99bb-baa5fa06f0fc',
        vdi_uuid: 'f37ef400-7016-4af6-99bb-baa5fa06f0fc',
        subtask_of: 'DummyRef:|9a1e2f3b-4c5d-6e7f-8091-a2b3c4d5e6f7|VDI.attach3',
        vdi_on_boot: 'persist',
        vdi_allow_caching: 'false',
      },
    ]);
  });

  it('reads <value/> as the empty string and <struct/>, <data/> as empty containers', async () => {
    const call = await decodeMethodCall(fixture('request-vdi_create.xml'));
    const p = call.params[0] as Record<string, unknown>;
    expect(p.args).toEqual(['10737418240', 'disk0', 'Created by template provisioner', '', 'false', '19700101T00:00:00Z', '', 'false']);
    expect(p.vdi_sm_config).toEqual({});
    const info = (await decodeMethodCall(fixture('request-sr_get_driver_info.xml'))).params[0] as Record<string, unknown>;
    expect(info.args).toEqual([]);
    expect(info.device_config).toEqual({});
  });
});

describe('decodeMethodCall on Python-format requests (docs/smapi.md §3)', () => {
  it('reads the prolog, newlines, <string> tags and UTF-8 labels', async () => {
    const call = await decodeMethodCall(fixture('request-vdi_create.python.xml'));
    const p = call.params[0] as Record<string, unknown>;
    expect(call.methodName).toBe('vdi_create');
    expect(p.args).toEqual([
      '10737418240',
      '中文机器 0',
      'Created by template provisioner',
      '',
      'false',
      '19700101T00:00:00Z',
      '',
      'false',
    ]);
    expect(p.device_config).toEqual({ SRmaster: 'true', resource: 'r0' });
    expect(p.vdi_sm_config).toEqual({});
  });

  it('keeps spaces in strings, typed or not, and decodes entities', async () => {
    const xml =
      '<methodCall><methodName>m</methodName><params><param><value><array><data>' +
      '<value>  a b </value><value><string> </string></value><value><string/></value><value>x &amp; &lt;y&gt;</value>' +
      '</data></array></value></param></params></methodCall>';
    expect((await decodeMethodCall(xml)).params).toEqual([['  a b ', ' ', '', 'x & <y>']]);
  });

  it('decodes the response scalar types', async () => {
    const xml =
      '<methodResponse><params><param><value><array><data><value><int>-3</int></value><value><i4>7</i4></value>' +
      '<value><boolean>1</boolean></value><value><boolean>0</boolean></value><value><nil/></value>' +
      '<value><double>1.5</double></value><value><dateTime.iso8601>19700101T00:00:00Z</dateTime.iso8601></value>' +
      '</data></array></value></param></params></methodResponse>';
    expect(await decodeMethodResponse(xml)).toEqual({
      kind: 'result',
      value: [-3, 7, true, false, null, 1.5, new XmlRpcDateTime('19700101T00:00:00Z')],
    });
  });
});

describe('decode errors', () => {
  it.each([
    ['not XML', 'hello', /not well-formed XML/],
    ['unclosed', '<methodCall><methodName>x</methodName>', /not well-formed XML/],
    ['wrong root', '<methodResponse/>', /expected <methodCall>, found <methodResponse>/],
    ['no methodName', '<methodCall><params/></methodCall>', /has no <methodName>/],
    [
      'bad int',
      '<methodCall><methodName>x</methodName><params><param><value><int>1x</int></value></param></params></methodCall>',
      /not an integer/,
    ],
    [
      'bad boolean',
      '<methodCall><methodName>x</methodName><params><param><value><boolean>true</boolean></value></param></params></methodCall>',
      /not 0 or 1/,
    ],
    [
      'unknown type',
      '<methodCall><methodName>x</methodName><params><param><value><base64>eA==</base64></value></param></params></methodCall>',
      /unsupported XML-RPC type <base64>/,
    ],
    [
      'member without value',
      '<methodCall><methodName>x</methodName><params><param><value><struct><member><name>a</name></member></struct></value></param></params></methodCall>',
      /<name> then <value>/,
    ],
  ])('%s is an XmlRpcDecodeError', async (_what, xml, message) => {
    const p = decodeMethodCall(xml);
    await expect(p).rejects.toBeInstanceOf(XmlRpcDecodeError);
    await expect(p).rejects.toThrow(message);
  });
});

describe('encodeResponse / encodeFault print what CPython xmlrpc.client.dumps prints', () => {
  it('nil (every unit command)', () => {
    expect(encodeResponse(null)).toBe(fixture('python-dumps-nil.xml'));
  });

  it('a struct of every shape', () => {
    const v = { name: 'n', ok: true, no: false, n: 42, neg: -7, list: ['a', '', ' sp '], empty: [], es: {}, nested: { k: '中 <&>' } };
    expect(encodeResponse(v)).toBe(fixture('python-dumps-mixed.xml'));
  });

  it('a fault', () => {
    expect(encodeFault({ faultCode: 5106, faultString: 'VDIs <a> & "b" active [opterr=x]' })).toBe(fixture('python-dumps-fault.xml'));
  });

  it('decodes what it encodes, faults included', async () => {
    const v = { a: ['x', { b: '' }], c: true, d: 3 };
    expect(await decodeMethodResponse(encodeResponse(v))).toEqual({ kind: 'result', value: v });
    expect(await decodeMethodResponse(encodeFault({ faultCode: 46, faultString: 'no' }))).toEqual({
      kind: 'fault',
      fault: { faultCode: 46, faultString: 'no' },
    });
  });

  it('decodes the Python SM responses of docs/smapi.md §5', async () => {
    expect(await decodeMethodResponse(fixture('response-nil.python.xml'))).toEqual({ kind: 'result', value: null });
    expect(await decodeMethodResponse(fixture('response-fault-46.python.xml'))).toEqual({
      kind: 'fault',
      fault: { faultCode: 46, faultString: 'The VDI is not available [opterr=VDI active on another host]' },
    });
    const attach = await decodeMethodResponse(fixture('response-vdi-attach.python.xml'));
    expect(attach.kind === 'result' && (attach.value as Record<string, unknown>).o_direct).toBe(true);
    expect(await decodeMethodResponse(fixture('response-vdi-info.python.xml'))).toEqual({
      kind: 'result',
      value: { location: 'f37ef400-7016-4af6-99bb-baa5fa06f0fc', uuid: 'f37ef400-7016-4af6-99bb-baa5fa06f0fc' },
    });
    // sr_probe's answer is XML inside a string: escaped once, newline and UTF-8 kept.
    expect(await decodeMethodResponse(fixture('response-probe.python.xml'))).toEqual({
      kind: 'result',
      value: '<?xml version="1.0" ?>\n<SRlist><SR><UUID>3b2f…</UUID><Devlist>/dev/drbd0</Devlist><size>107369988096</size></SR></SRlist>',
    });
  });

  it('replaces characters XML 1.0 cannot carry instead of printing an unparsable response', async () => {
    const out = encodeFault({ faultCode: 1, faultString: 'tool said \u001b[31mred\u0000' });
    expect(out).toContain('tool said \ufffd[31mred\ufffd');
    await expect(decodeMethodResponse(out)).resolves.toMatchObject({ kind: 'fault' });
  });

  it('refuses numbers XML-RPC cannot carry', () => {
    expect(() => encodeResponse(Number.NaN)).toThrow(/cannot carry/);
  });
});
