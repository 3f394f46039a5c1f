// The test seams (src/test-seams.ts): what they can move in a root executable, and what not.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { drbdToolsFrom } from '../../src/drbd/tools';
import { childEnv, runCommand } from '../../src/exec/run';
import { hostPaths } from '../../src/hotplug/paths';
import { SEAMS_SWITCH, TEST_SEAMS, testSeams, UnsafeTestSeam, type SeamName } from '../../src/test-seams';
import { smPaths } from '../../src/drbdlvm-sr/paths';
import { timingsFrom } from '../../src/drbdlvm-sr/timings';
import { seamEnv } from '../support/seams';

const FIXED_PATH = '/usr/sbin:/sbin:/usr/bin:/bin:/usr/local/sbin:/usr/local/bin';
const NAMES = Object.keys(TEST_SEAMS) as SeamName[];
/** Every seam variable set to a safe value, as a test run sets them, but without the switch. */
const ALL_SET = Object.fromEntries(NAMES.map((n) => [TEST_SEAMS[n].variable, `/scratch/${n}`]));

describe('without the switch', () => {
  test('every seam reads as unset, whatever the variables say', () => {
    expect(testSeams(ALL_SET)).toEqual({});
  });

  test("the executables use the host's own places and the fixed PATH", () => {
    expect(hostPaths(ALL_SET)).toEqual(hostPaths({}));
    expect(smPaths(ALL_SET)).toEqual(smPaths({}));
    expect(drbdToolsFrom(ALL_SET)).toEqual(drbdToolsFrom({}));
    expect(childEnv({ ...ALL_SET, PATH: '/home/u/bin:/usr/bin' }).PATH).toBe(FIXED_PATH);
    expect(timingsFrom(ALL_SET).runner(runCommand)).toBe(runCommand);
  });

  test.each(['yes', 'true', '0', ' 1', '1 ', '01', ''])('%j is not the switch', (value) => {
    expect(testSeams({ ...ALL_SET, [SEAMS_SWITCH]: value })).toEqual({});
  });
});

describe('with the switch', () => {
  test.each(NAMES)('%s moves its own place and nothing else', (name) => {
    expect(testSeams(seamEnv({ [name]: '/t/x' }))).toEqual({ [name]: '/t/x' });
  });

  test("the paths the executables use are the seams' values", () => {
    const env = seamEnv({
      hotplugLockDir: '/t/l',
      hotplugLog: '/t/log',
      hookLog: '/t/hook',
      ledgerDir: '/t/led',
      procDrbd: '/t/p',
      policy: '/t/pol',
      drbdsetup84: '/t/s',
      devDir: '/t/d',
    });
    expect(hostPaths(env)).toEqual({
      lockDir: '/t/l',
      hotplugLog: '/t/log',
      hookLog: '/t/hook',
      ledgerDir: '/t/led',
      incomingDir: '/t/incoming',
      procDrbd: '/t/p',
      procMounts: '/proc/self/mounts',
      policy: '/t/pol',
      drbdTools: { drbdsetup84: ['/t/s'], devDir: '/t/d' },
    });
  });

  test("the PATH prefix goes in front of the fixed PATH; the caller's PATH and locale do not come back", () => {
    const env = childEnv({
      ...seamEnv({ pathPrefix: '/t/bin:/t/lvm-bin' }),
      PATH: '/home/u/bin',
      LANG: 'de_DE.UTF-8',
      LC_ALL: 'de_DE.UTF-8',
    });
    expect(env).toMatchObject({ PATH: `/t/bin:/t/lvm-bin:${FIXED_PATH}`, LANG: 'C', LC_ALL: 'C' });
  });

  test.each([
    ['a relative path', { policy: 'xen-drbd.json' }],
    ['a home-relative path', { ledgerDir: '~/promoted' }],
    ['a control character', { hotplugLog: '/t/log\nforged line' }],
    ['a relative PATH entry', { pathPrefix: '/t/bin:bin' }],
    ['an empty PATH entry in the middle (the current directory)', { pathPrefix: '/t/bin::/t/lvm' }],
    ['an empty PATH entry at the end', { pathPrefix: '/t/bin:' }],
    ['an empty PATH entry at the start', { pathPrefix: ':/t/bin' }],
  ])('refuses %s, and with it every seam', (_, seams) => {
    const env = { ...ALL_SET, ...seamEnv(seams) };
    expect(() => testSeams(env)).toThrow(UnsafeTestSeam);
    expect(() => testSeams(env)).toThrow(/is not an absolute path; test seams take absolute paths only/);
    // Whatever reads any seam refuses, so no run goes on half on the real host.
    expect(() => hostPaths(env)).toThrow(UnsafeTestSeam);
    expect(() => smPaths(env)).toThrow(UnsafeTestSeam);
    expect(() => childEnv(env)).toThrow(UnsafeTestSeam);
    expect(() => timingsFrom(env)).toThrow(UnsafeTestSeam);
  });

  test('an unsafe seam starts no child: the run rejects', async () => {
    const unsafe = seamEnv({ pathPrefix: 'bin' });
    const saved = Object.fromEntries(Object.keys(unsafe).map((v) => [v, process.env[v]]));
    Object.assign(process.env, unsafe);
    try {
      await expect(runCommand(['true'], { timeoutMs: 5_000 })).rejects.toThrow(UnsafeTestSeam);
    } finally {
      for (const [v, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[v];
        else process.env[v] = value;
      }
    }
  });
});

test('every seam names a place: none takes a number, a flag or a policy value', () => {
  for (const seam of Object.values(TEST_SEAMS)) expect(['path', 'path-list']).toContain(seam.kind);
});

// The platform's own variables the executables honour for real; anything else they read by name is a seam.
const PLATFORM = [
  'XENBUS_PATH', // libxl's hotplug contract
  'XENBUS_BASE_PATH',
  'XENBUS_TYPE',
  'XENSTORED_PATH', // where Xen's own xenstore clients look too
  'XENSTORED_RUNDIR',
  'SOURCE_DATE_EPOCH', // reproducible builds: the man pages' date in xen-drbd install
];

test("src/test-seams.ts is the only module of src that reads a seam; the others read the platform's variables only", () => {
  const src = join(__dirname, '../../src');
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
      d.isDirectory() ? files(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : [],
    );
  const found: string[] = [];
  for (const file of files(src).filter((f) => f !== join(src, 'test-seams.ts'))) {
    const text = readFileSync(file, 'utf8').replace(/^\s*\/\/.*$/gm, '');
    const where = relative(src, file);
    for (const [, name] of text.matchAll(/['"`]((?:XEN_DRBD|XEN_HOTPLUG|DRBDLVM)_[A-Z0-9_]*)['"`]/g)) found.push(`${where} names ${name}`);
    for (const m of text.matchAll(/\benv\??\.([A-Z][A-Z0-9_]*)|\benv\[['"`]([A-Z][A-Z0-9_]*)['"`]\]/g)) {
      const name = (m[1] ?? m[2]) as string;
      if (!PLATFORM.includes(name)) found.push(`${where} reads ${name}`);
    }
  }
  expect(found).toEqual([]);
});
