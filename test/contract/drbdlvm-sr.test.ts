// The built dist/DrbdlvmSR, run as xapi runs it (docs/smapi.md §1): the methodCall as the one argument,
// xapi's environment (PATH=/sbin:/usr/sbin:/bin:/usr/bin and ORIGINATOR=SM, nothing else; here with
// node's own directory in front when node is not in /usr/bin), no stdin. Whatever happens, exit 0 and
// a methodResponse on stdout that xapi's parser and CPython's xmlrpc.client both read.
// Build first (`npm run build`, or `npx tsup`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DRIVER_INFO } from '../../src/drbdlvm-sr/driver-info';
import { decodeMethodResponse } from '../../src/drbdlvm-sr/xmlrpc-decode';
import { encodeMethodCall, encodeResponse } from '../../src/drbdlvm-sr/xmlrpc-encode';
import { seamEnv } from '../support/seams';

const ROOT = join(__dirname, '../..');
const BIN = join(ROOT, 'dist/DrbdlvmSR');
const FIX = join(ROOT, 'test/fixtures/xapi');
const SIM_BIN = join(ROOT, 'test/support/bin');
const NODE_DIR = dirname(process.execPath);
const XAPI_PATH = '/sbin:/usr/sbin:/bin:/usr/bin';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function driver(args: string[], extraEnv: Record<string, string> = {}): Run {
  const env = { PATH: NODE_DIR === '/usr/bin' ? XAPI_PATH : `${NODE_DIR}:${XAPI_PATH}`, ORIGINATOR: 'SM', ...extraEnv };
  const r = spawnSync(BIN, args, { env, encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'] });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const fixture = (name: string) => readFileSync(join(FIX, name), 'utf8');

// CPython's xmlrpc.client is the parser SRCommand uses; it reads our output too. Without python3
// those checks are skipped locally and fail under CI=true (.ci/run installs it), as the tests on
// Debian's files do.
const PYTHON =
  ['/usr/bin/python3', '/usr/local/bin/python3'].find((p) => existsSync(p)) ??
  (spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout?.trim() || undefined);
function pythonLoads(xml: string): unknown {
  const code =
    'import sys, json, xmlrpc.client\ntry:\n  (v,), m = xmlrpc.client.loads(sys.stdin.read())\n  print(json.dumps({"value": v}))\nexcept xmlrpc.client.Fault as f:\n  print(json.dumps({"faultCode": f.faultCode, "faultString": f.faultString}))\n';
  const r = spawnSync(PYTHON as string, ['-c', code], { input: xml, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 could not parse the output: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
function withPython(name: string, fn: () => void): void {
  if (PYTHON !== undefined) test(name, fn);
  else if (process.env.CI === 'true') {
    test(name, () => {
      throw new Error('python3 is missing: CPython must read the output (.ci/run installs it)');
    });
  } else test.skip(name, fn);
}

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build it first with \`npm run build\``);
});

describe('DrbdlvmSR sr_get_driver_info', () => {
  test("answers xapi's exact start-up payload with the static struct, exit 0, nothing on stderr", () => {
    const r = driver([fixture('request-sr_get_driver_info.xml')]);
    expect(r).toEqual({ code: 0, stdout: encodeResponse(DRIVER_INFO), stderr: '' });
  });

  withPython('is read by CPython xmlrpc.client as the struct xapi parses', () => {
    const r = driver([fixture('request-sr_get_driver_info.xml')]);
    const v = (pythonLoads(r.stdout) as { value: Record<string, unknown> }).value;
    expect(Object.keys(v).sort()).toEqual([
      'capabilities',
      'configuration',
      'copyright',
      'description',
      'driver_version',
      'name',
      'required_api_version',
      'vendor',
    ]);
    expect(v.capabilities).not.toContain('VDI_GENERATE_CONFIG');
  });

  test('needs nothing from the host: no DRBD, no LVM, no xapi, an empty PATH but node', () => {
    const r = driver([fixture('request-sr_get_driver_info.xml')], { PATH: NODE_DIR });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(encodeResponse(DRIVER_INFO));
  });
});

describe('DrbdlvmSR faults: always a methodResponse, always exit 0', () => {
  test.each<[string, number, string[]]>([
    ['no argument', 143, []],
    ['two arguments', 143, ['<a/>', '<b/>']],
    ['not XML', 49, ['hello']],
    ['a truncated methodCall', 49, [fixture('request-vdi_attach.xml').slice(0, 300)]],
    ['a methodResponse instead of a call', 49, [fixture('response-nil.python.xml')]],
    [
      'an unknown command',
      38,
      [encodeMethodCall('vdi_frobnicate', [{ host_ref: 'OpaqueRef:h', command: 'vdi_frobnicate', args: [], device_config: {} }], 'xapi')],
    ],
    ["xapi's vdi_activate with docs/smapi.md §3's illustrative device-config (no resource)", 115, [fixture('request-vdi_activate.xml')]],
  ])('%s → fault %i', async (_what, code, args) => {
    const r = driver(args);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const decoded = await decodeMethodResponse(r.stdout);
    expect(decoded.kind === 'fault' && decoded.fault.faultCode).toBe(code);
    if (PYTHON !== undefined) expect(pythonLoads(r.stdout)).toMatchObject({ faultCode: code });
  });

  test('vdi_epoch_begin answers <nil/>', async () => {
    const params = {
      host_ref: 'OpaqueRef:h',
      command: 'vdi_epoch_begin',
      args: [],
      device_config: { SRmaster: 'false', resource: 'r0' },
      session_ref: 'OpaqueRef:s',
      sr_ref: 'OpaqueRef:sr',
      sr_uuid: '3b2f4c1e-7a55-8c1d-0e7f-2a9b6c4d8e11',
      vdi_ref: 'OpaqueRef:v',
      vdi_location: 'f37ef400-7016-4af6-99bb-baa5fa06f0fc',
      vdi_uuid: 'f37ef400-7016-4af6-99bb-baa5fa06f0fc',
      vdi_on_boot: 'persist',
    };
    const r = driver([encodeMethodCall('vdi_epoch_begin', [params], 'xapi')]);
    expect(r).toEqual({ code: 0, stdout: encodeResponse(null), stderr: '' });
  });
});

describe('DrbdlvmSR sr_probe through the real DRBD adapter', () => {
  test('fails fast and clearly on a host without the resource (a third pool host)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drbdlvm-'));
    const state = join(dir, 'state.json');
    writeFileSync(state, JSON.stringify({ procDrbd: join(dir, 'proc-drbd'), resources: {} }));
    const params = {
      host_ref: 'OpaqueRef:h',
      command: 'sr_probe',
      args: [],
      device_config: { resource: 'r0' },
      session_ref: 'OpaqueRef:s',
      sr_sm_config: {},
    };
    const r = driver([encodeMethodCall('sr_probe', [params], 'xapi')], { ...seamEnv({ pathPrefix: SIM_BIN }), DRBD_SIM_STATE: state });
    expect(r.code).toBe(0);
    expect(await decodeMethodResponse(r.stdout)).toEqual({
      kind: 'fault',
      fault: {
        faultCode: 5100,
        faultString:
          "The DRBD resource is not configured or not up on this host [opterr=r0: cannot resolve the DRBD device: 'r0' not defined in your config (for this host).]",
      },
    });
    // The fault went to syslog as Python SM logs: local2, tag SM.
    expect(readFileSync(`${state}.syslog`, 'utf8')).toMatch(/^-p local2\.err -t SM: \[\d+\] sr_probe failed: code 5100: /);
  });
});
