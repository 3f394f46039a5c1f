// What the hook's design rests on, read from libvirt 9.0 itself (libxl driver, the lab's capture:
// test/fixtures/libvirt/lab-9.0.0/README.md): which calls come in which order with which stdin,
// where Xen's block script runs between them, and the domain XML the hook parses.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDomainXml } from '../../../src/libvirt/domain-xml';
import { hookStep, parseHookCall, type HookStep } from '../../../src/libvirt/hook-call';

const DIR = join(__dirname, '..', '..', 'fixtures', 'libvirt', 'lab-9.0.0');
const read = (file: string): string => readFileSync(join(DIR, file), 'utf8');

interface Call {
  readonly t: number;
  readonly args: string[];
  readonly stdinBytes: number;
}

function hookCalls(file: string): Call[] {
  return [...read(file).matchAll(/^=== call \d+: t=\+(\d+) ms argv: (.*) exit=\d+ .*\n--- stdin \((\d+) bytes\)/gm)].map((m) => ({
    t: Number(m[1]),
    args: [...(m[2] as string).matchAll(/"([^"]*)"/g)].map((a) => a[1] as string),
    stdinBytes: Number(m[3]),
  }));
}

const steps = (file: string): HookStep[] =>
  hookCalls(file).map((c) => {
    const parsed = parseHookCall('/etc/libvirt/hooks/libxl', c.args);
    if (!parsed.ok) throw new Error(parsed.error);
    return hookStep(parsed.call);
  });

function blockRuns(file: string): { t: number; action: string }[] {
  return [...read(file).matchAll(/^=== run \d+: t=\+(\d+) ms \(\d+ ms\) argv: (\w+)/gm)].map((m) => ({
    t: Number(m[1]),
    action: m[2] as string,
  }));
}

const at = (file: string, operation: string): number => hookCalls(file).find((c) => c.args[1] === operation)?.t ?? NaN;

describe('the calls of a hook under libvirt 9.0 (libxl driver)', () => {
  it('a start: the claim at prepare, before Xen hands the device to blkback', () => {
    for (const s of ['start', 'start-by-res']) {
      expect(steps(`${s}.hostA.hook-calls.txt`)).toEqual(['claim', 'none', 'none']);
      const add = blockRuns(`${s}.hostA.block-calls.txt`);
      expect(add.map((r) => r.action)).toEqual(['add']);
      expect(at(`${s}.hostA.hook-calls.txt`, 'prepare')).toBeLessThan(add[0]?.t as number);
    }
  });

  it('a shutdown or destroy: the release after blkback let go', () => {
    for (const s of ['shutdown', 'destroy']) {
      expect(steps(`${s}.hostA.hook-calls.txt`)).toEqual(['none', 'release']);
      const remove = blockRuns(`${s}.hostA.block-calls.txt`);
      expect(remove.map((r) => r.action)).toEqual(['remove']);
      expect(remove[0]?.t).toBeLessThan(at(`${s}.hostA.hook-calls.txt`, 'release'));
    }
  });

  // Each file by its full name, so a reader (and test/support/recorded-sets.ts) sees what is read.
  it.each([
    {
      s: 'migrate-a-to-b',
      dest: 'migrate-a-to-b.hostB.hook-calls.txt',
      destBlock: 'migrate-a-to-b.hostB.block-calls.txt',
      src: 'migrate-a-to-b.hostA.hook-calls.txt',
      srcBlock: 'migrate-a-to-b.hostA.block-calls.txt',
    },
    {
      s: 'migrate-b-to-a',
      dest: 'migrate-b-to-a.hostA.hook-calls.txt',
      destBlock: 'migrate-b-to-a.hostA.block-calls.txt',
      src: 'migrate-b-to-a.hostB.hook-calls.txt',
      srcBlock: 'migrate-b-to-a.hostB.block-calls.txt',
    },
  ])(
    '$s: the destination is told first (migrate, with no XML), claims at prepare; the source only releases',
    ({ dest, destBlock, src, srcBlock }) => {
      expect(steps(dest)).toEqual(['expect-incoming', 'claim', 'none', 'none']);
      expect(hookCalls(dest)[0]?.stdinBytes).toBe(0);
      expect(hookCalls(dest)[1]?.stdinBytes).toBeGreaterThan(0);
      expect(steps(src)).toEqual(['none', 'release']);
      // Promoted before the destination's blkback opens the device; demoted after the source's closed it.
      expect(blockRuns(destBlock).map((r) => r.action)).toEqual(['add']);
      expect(at(dest, 'prepare')).toBeLessThan(blockRuns(destBlock)[0]?.t as number);
      expect(blockRuns(srcBlock).map((r) => r.action)).toEqual(['remove']);
      expect(blockRuns(srcBlock)[0]?.t).toBeLessThan(at(src, 'release'));
    },
  );

  it('a libvirtd restart with the domain running: reconnect only, nothing to do, no block script run', () => {
    expect(steps('libvirtd-restart.hostA.hook-calls.txt')).toEqual(['none']);
    expect(read('libvirtd-restart.hostA.block-calls.txt')).toMatch(/^# runs: 0$/m);
    expect(blockRuns('libvirtd-restart.hostA.block-calls.txt')).toEqual([]);
  });

  it('why migrate never fails: a failing migrate hook leaves the source domain locked', () => {
    const section = read('hook-failures.txt')
      .split('=== hook fails at: ')
      .find((s) => s.startsWith('migrate'));
    expect(section).toMatch(/cannot acquire state change lock/);
  });

  it("virsh shows a failing prepare hook's stderr, after libvirt's own words", () => {
    expect(read('prepare-fails.virsh-start.stderr.txt')).toMatch(
      /^error: Hook script execution failed: .* prepare begin -\) unexpected exit status 1: lab hook: refusing prepare begin of lvdrbd0$/m,
    );
  });

  it("Xen's block script gets the device path as written, and checks no DRBD role", () => {
    for (const [f, dev] of [
      ['running-drbd0.hostA.vbd-backend.txt', '/dev/drbd0'],
      ['running-by-res.hostA.vbd-backend.txt', '/dev/drbd/by-res/r0/0'],
    ]) {
      const text = read(f as string);
      expect(text).toMatch(new RegExp(`/params = "${dev}"$`, 'm'));
      expect(text).toMatch(/\/script = "\/etc\/xen\/scripts\/block"$/m);
    }
  });
});

describe('parseDomainXml on the XML libvirt 9.0 gave', () => {
  it.each([
    ['hook-stdin.prepare-begin.drbd0.xml', 'lvdrbd0', '/dev/drbd0'],
    ['hook-stdin.prepare-begin.by-res.xml', 'lvbyres', '/dev/drbd/by-res/r0/0'],
    ['running-drbd0.dumpxml.xml', 'lvdrbd0', '/dev/drbd0'],
    ['running-by-res.dumpxml.xml', 'lvbyres', '/dev/drbd/by-res/r0/0'],
  ])('%s: the name and its one block disk', async (file, name, source) => {
    expect(await parseDomainXml(read(file))).toEqual({ name, disks: [{ source, target: 'xvda', readonly: false }] });
  });
});
