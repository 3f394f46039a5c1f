// The adapter's choice of tool on DRBD 8.4: drbdsetup-84 alone for a resource that is up (what
// drbdadm itself would run), drbdadm for anything else. Real outputs from test/fixtures/drbd84.
// Device nodes are stand-ins (making real ones takes root): device.test.ts reads real ones.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlockDevice } from '../../../src/drbd/device';
import type { Argv, CommandResult, RunOptions } from '../../../src/exec/run';
import { Deadline } from '../../../src/exec/deadline';
import { Drbd } from '../../../src/drbd/drbd';
import type { ResourceName } from '../../../src/drbd/types';

const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/drbd84', name), 'utf8');
const r0 = 'r0' as ResourceName;

let dir: string;
let calls: string[];
let answers: Map<string, Partial<CommandResult>>;
let nodes: Map<string, BlockDevice>;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'xen-drbd-adapter-'));
  nodes = new Map();
  mknod('drbd0', 147, 0);
  writeFileSync(join(dir, 'drbdsetup-84'), '');
  writeFileSync(join(dir, 'proc-drbd'), fixture('proc_drbd_connected_secondary_uptodate.stdout'));
  calls = [];
  answers = new Map();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A block device node in dir, as the adapter's stat sees it. */
function mknod(name: string, major: number, minor: number): void {
  const path = join(dir, name);
  nodes.set(path, { path, major, minor, hex: `${major.toString(16)}:${minor.toString(16)}` });
}

function answer(argv: string, result: Partial<CommandResult>): void {
  answers.set(argv, result);
}

async function run(argv: Argv, _o: RunOptions): Promise<CommandResult> {
  const line = argv.join(' ').replace(`${dir}/`, '');
  calls.push(line);
  return { argv, exitCode: 0, signal: null, stdout: '', stderr: '', timedOut: false, durationMs: 1, ...answers.get(line) };
}

function drbd(tool = join(dir, 'drbdsetup-84')): Drbd {
  return new Drbd(run, new Deadline(30_000), {
    procDrbd: join(dir, 'proc-drbd'),
    drbdTools: { drbdsetup84: [join(dir, 'missing'), tool], devDir: dir },
    hostname: 'hosta',
    statBlockDevice: (path) => nodes.get(path),
  });
}

describe('DRBD 8.4 with drbdsetup-84 installed', () => {
  it('resolves, promotes and switches dual-primary with drbdsetup-84 alone', async () => {
    answer('drbdsetup-84 show r0', { stdout: fixture('drbdsetup_84_show_r0.stdout') });
    const d = drbd();
    const { target, devices } = await d.resolve({ name: r0 });
    expect(devices).toEqual([{ path: join(dir, 'drbd0'), major: 147, minor: 0, hex: '93:0' }]);
    const tool = join(dir, 'drbdsetup-84');
    expect(await d.setTwoPrimaries(target, true)).toEqual({
      ok: true,
      argv: [tool, 'net-options', 'ipv4:10.99.0.1:7789', 'ipv4:10.99.0.2:7789', '--allow-two-primaries=yes'],
    });
    expect(await d.promote(target)).toEqual({ ok: true, argv: [tool, 'primary', '0'] });
    expect(await d.demote(target)).toEqual({ ok: true, argv: [tool, 'secondary', '0'] });
    // The read-back of a switch: a fresh show of the running configuration.
    expect(await d.twoPrimariesRunning(target)).toBe(false);
    expect(calls).toEqual([
      'drbdsetup-84 show r0',
      'drbdsetup-84 net-options ipv4:10.99.0.1:7789 ipv4:10.99.0.2:7789 --allow-two-primaries=yes',
      'drbdsetup-84 primary 0',
      'drbdsetup-84 secondary 0',
      'drbdsetup-84 show r0',
    ]);
  });

  it("keeps drbdsetup-84's own refusal text and its kind", async () => {
    answer('drbdsetup-84 show r0', { stdout: fixture('drbdsetup_84_show_r0.stdout') });
    answer('drbdsetup-84 secondary 0', { exitCode: 11, stderr: '0: State change failed: (-12) Device is held open by someone\n' });
    const d = drbd();
    const { target } = await d.resolve({ name: r0 });
    const r = await d.demote(target);
    expect(r.ok).toBe(false);
    // The failure keeps its facts as fields, not only in the sentence.
    expect(!r.ok && r.error).toMatchObject({
      name: 'DrbdError',
      kind: 'held-open',
      message: `'${dir}/drbdsetup-84 secondary 0' failed: 0: State change failed: (-12) Device is held open by someone`,
      argv: [join(dir, 'drbdsetup-84'), 'secondary', '0'],
      exitCode: 11,
      stderr: '0: State change failed: (-12) Device is held open by someone\n',
      timedOut: false,
    });
  });

  it('falls back to drbdadm for a resource that is not up', async () => {
    answer('drbdsetup-84 show r0', { exitCode: 20, stderr: 'received netlink error reply: No such device\n' });
    answer('drbdadm sh-dev r0', { stdout: `${dir}/drbd0\n` });
    const d = drbd();
    const { target, devices } = await d.resolve({ name: r0 });
    expect(devices.map((x) => x.hex)).toEqual(['93:0']);
    await d.promote(target);
    expect(calls).toEqual(['drbdsetup-84 show r0', 'drbdadm sh-dev r0', 'drbdadm primary r0']);
  });

  it('addresses a resource the way the target it is given says, whatever ran before', async () => {
    answer('drbdsetup-84 show r0', { stdout: fixture('drbdsetup_84_show_r0.stdout') });
    const d = drbd();
    await d.resolve({ name: r0 });
    await d.promote({ name: r0 });
    expect(calls).toEqual(['drbdsetup-84 show r0', 'drbdadm primary r0']);
  });

  it('looks again at a resource an earlier resolve did not see running (it may be up now)', async () => {
    answer('drbdsetup-84 show r0', { exitCode: 20, stderr: 'received netlink error reply: No such device\n' });
    answer('drbdadm sh-dev r0', { stdout: `${dir}/drbd0\n` });
    const d = drbd();
    const first = await d.resolve({ name: r0 });
    answer('drbdsetup-84 show r0', { stdout: fixture('drbdsetup_84_show_r0.stdout') }); // drbdadm up r0 meanwhile
    const again = await d.resolve({ name: r0 }, first.target);
    await d.promote(again.target);
    expect(calls).toEqual(['drbdsetup-84 show r0', 'drbdadm sh-dev r0', 'drbdsetup-84 show r0', 'drbdsetup-84 primary 0']);
  });

  it('never takes a show about another resource for this one: drbdadm, resolving the name itself, takes over', async () => {
    answer('drbdsetup-84 show vm1', { stdout: fixture('drbdsetup_84_show_r0.stdout') });
    answer('drbdadm sh-dev vm1', { stdout: `${dir}/drbd0\n` });
    const d = drbd();
    const vm1 = 'vm1' as ResourceName;
    const { target } = await d.resolve({ name: vm1 });
    await d.promote(target);
    expect(calls).toEqual(['drbdsetup-84 show vm1', 'drbdadm sh-dev vm1', 'drbdadm primary vm1']);
  });

  it('refuses to read dual-primary from a show about another resource', async () => {
    answer('drbdsetup show vm1', { stdout: fixture('drbdsetup_show_r0_allow_two_primaries.stdout') });
    const d = drbd(join(dir, 'also-missing'));
    await expect(d.twoPrimariesRunning({ name: 'vm1' as ResourceName })).rejects.toMatchObject({
      name: 'DrbdError',
      message: 'vm1: cannot read the running DRBD configuration: drbdsetup show vm1: expected resource vm1 alone, got r0',
      argv: ['drbdsetup', 'show', 'vm1'],
    });
  });

  it('reads per-volume roles and the peer of every volume from /proc/drbd', async () => {
    writeFileSync(
      join(dir, 'proc-drbd'),
      'version: 8.4.11 (api:1/proto:86-101)\n 0: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----\n 1: cs:Connected ro:Secondary/Primary ds:UpToDate/UpToDate C r-----\n',
    );
    const devs = [0, 1].map((m) => ({ path: join(dir, `drbd${m}`), major: 147, minor: m, hex: `93:${m}` }));
    const s = await drbd().state('r1' as ResourceName, devs);
    expect(s).toMatchObject({
      role: 'Primary',
      peerRole: 'Primary',
      volumes: [
        { minor: 0, role: 'Primary' },
        { minor: 1, role: 'Secondary' },
      ],
    });
  });

  it('falls back to drbdadm on a show output it does not know', async () => {
    answer('drbdsetup-84 show r0', { stdout: 'resource r0 {\n}\n' });
    answer('drbdadm sh-dev r0', { stdout: `${dir}/drbd0\n` });
    const d = drbd();
    const { target } = await d.resolve({ name: r0 });
    await d.setTwoPrimaries(target, true);
    expect(calls).toEqual(['drbdsetup-84 show r0', 'drbdadm sh-dev r0', 'drbdadm net-options --allow-two-primaries=yes r0']);
  });

  it('lets drbdadm change net options when show names no connection (StandAlone)', async () => {
    const standalone = fixture('drbdsetup_84_show_r0.stdout')
      .replace(/^\s*_remote_host \{\n.*\n\s*\}\n/m, '')
      .replace(/^\s*address.*\n/gm, '');
    answer('drbdsetup-84 show r0', { stdout: standalone });
    const d = drbd();
    const { target } = await d.resolve({ name: r0 });
    await d.setTwoPrimaries(target, false);
    await d.promote(target);
    expect(calls).toEqual(['drbdsetup-84 show r0', 'drbdadm net-options --allow-two-primaries=no r0', 'drbdsetup-84 primary 0']);
  });

  it("picks the named volume's minor of a two-volume resource, and leaves its role changes to drbdadm", async () => {
    mknod('drbd2', 147, 2);
    answer('drbdsetup-84 show r1', { stdout: fixture('drbdsetup_show_r1.stdout') });
    const d = drbd();
    const r1 = 'r1' as ResourceName;
    const { target, devices } = await d.resolve({ name: r1, volume: 1 });
    expect(devices.map((x) => x.path)).toEqual([join(dir, 'drbd2')]);
    mknod('drbd1', 147, 1);
    // What the first resolve saw running stands: no second show.
    expect((await d.resolve({ name: r1 }, target)).devices.map((x) => x.hex)).toEqual(['93:1', '93:2']);
    await d.setTwoPrimaries(target, true);
    await d.promote(target);
    await d.demote(target);
    // 8.4 keeps a role per minor: drbdadm changes every volume's.
    expect(calls).toEqual([
      'drbdsetup-84 show r1',
      'drbdsetup-84 net-options ipv4:10.99.0.1:7790 ipv4:10.99.0.2:7790 --allow-two-primaries=yes',
      'drbdadm primary r1',
      'drbdadm secondary r1',
    ]);
  });
});

describe('the devices', () => {
  it('says which path is not a block device, and how DRBD is started', async () => {
    answer('drbdadm sh-dev r0', { stdout: `${dir}/drbd5\n` });
    await expect(drbd(join(dir, 'also-missing')).resolve({ name: r0 })).rejects.toMatchObject({
      name: 'DrbdError',
      message: `r0: ${dir}/drbd5 is not a block device here; is DRBD started ('drbdadm up r0')?`,
    });
  });
});

describe('where drbdsetup-84 is not the tool', () => {
  it('uses drbdadm when no drbdsetup-84 is installed', async () => {
    answer('drbdadm sh-dev r0', { stdout: `${dir}/drbd0\n` });
    const d = drbd(join(dir, 'also-missing'));
    const { target } = await d.resolve({ name: r0 });
    await d.promote(target);
    expect(calls).toEqual(['drbdadm sh-dev r0', 'drbdadm primary r0']);
  });

  it('uses drbdadm on a DRBD 9 kernel', async () => {
    // /proc/drbd of the lab's DRBD 9.2.18 (test/fixtures/drbd9/lab-9.2.18).
    writeFileSync(
      join(dir, 'proc-drbd'),
      readFileSync(join(__dirname, '../../fixtures/drbd9/lab-9.2.18/connected-secondary.hostA.proc-drbd.txt'), 'utf8'),
    );
    answer('drbdadm sh-dev r0', { stdout: `${dir}/drbd0\n` });
    const d = drbd();
    const { target } = await d.resolve({ name: r0 });
    await d.promote(target);
    expect(calls).toEqual(['drbdadm sh-dev r0', 'drbdadm primary r0']);
  });
});

describe('a watch for a settling resource', () => {
  it('on DRBD 8.4 there is none (no events2): the caller polls, nothing is run', () => {
    expect(drbd().watch(r0)).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it('on DRBD 9 it is one `drbdsetup events2 RES`, stopped by close()', async () => {
    writeFileSync(
      join(dir, 'proc-drbd'),
      readFileSync(join(__dirname, '../../fixtures/drbd9/lab-9.2.18/connected-secondary.hostA.proc-drbd.txt'), 'utf8'),
    );
    const w = drbd().watch(r0);
    expect(w).toBeDefined();
    await w?.close();
    expect(calls).toEqual(['drbdsetup events2 r0']);
  });

  it('without the module there is none either: the state read says what is wrong', () => {
    rmSync(join(dir, 'proc-drbd'));
    expect(drbd().watch(r0)).toBeUndefined();
  });
});

describe('the resource as configured', () => {
  it('answers with the facts of drbdadm dump', async () => {
    answer('drbdadm dump r0', { stdout: fixture('drbdadm_dump_r0.stdout') });
    expect(await drbd().config(r0)).toEqual({ peers: ['hostb'], twoPrimaries: false, fencing: undefined });
    expect(calls).toEqual(['drbdadm dump r0']);
  });

  it('answers undefined where drbdadm cannot print it', async () => {
    const utils = join(__dirname, '../../fixtures/drbd-utils-9.22-nomodule/outputs/err-unknown-resource-dump');
    answer('drbdadm dump nosuch', { exitCode: 1, stderr: readFileSync(`${utils}.stderr`, 'utf8') });
    expect(await drbd().config('nosuch' as ResourceName)).toBeUndefined();
  });
});
