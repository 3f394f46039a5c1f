// gather: what it reads from a root directory and how it asks drbdadm, with a runner that replays
// real drbd-utils 9.22 output instead of running drbdadm.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runChecks } from '../../../src/check/check';
import { gatherInputs } from '../../../src/check/gather';
import type { Argv, Runner } from '../../../src/exec/run';
import { writeTree } from '../../support/check-host';

const dumpAll = readFileSync(join(__dirname, '../../fixtures/drbd-utils-9.22-nomodule/outputs/dump-xml-all.stdout'), 'utf8');

function replay(stdout: string, exitCode = 0, stderr = ''): { run: Runner; calls: Argv[] } {
  const calls: Argv[] = [];
  const run: Runner = async (argv) => {
    calls.push(argv);
    return { argv, exitCode, signal: null, stdout, stderr, timedOut: false, durationMs: 1 };
  };
  return { run, calls };
}

test('reads drbd.conf under the root, auto-started configs, and a verify run by an enabled timer', async () => {
  const root = writeTree({
    'etc/xen/vm1.cfg': "name = \"vm1\"\ndisk = [ 'drbd:r1/0,xvda,w', 'drbd:r1/1,xvdb,w' ]\n",
    'etc/xen/auto/vm1.cfg': { link: '../vm1.cfg' },
    'etc/systemd/system/drbd-verify.timer': '[Timer]\nOnCalendar=weekly\n',
    'etc/systemd/system/drbd-verify.service': '[Service]\nExecStart=/usr/sbin/drbdadm verify all\n',
    'etc/systemd/system/timers.target.wants/drbd-verify.timer': { link: '../drbd-verify.timer' },
    'etc/modprobe.d/drbd.conf': 'options drbd disable_sendpage=1\n',
    'etc/modprobe.d/README': 'options drbd disable_sendpage=1 (not a .conf: modprobe ignores it)\n',
  });
  const { run, calls } = replay(dumpAll);
  const inputs = await gatherInputs({ root, configs: [], hostname: 'alpha', run });
  expect(calls).toEqual([['drbdadm', '-c', join(root, '/etc/drbd.conf'), 'dump-xml']]);
  expect(inputs.domains.map((d) => [d.file.path, d.file.autoStarted, d.name])).toEqual([['/etc/xen/auto/vm1.cfg', true, 'vm1']]);
  expect(inputs.schedules.map((f) => f.path)).toEqual(['/etc/systemd/system/drbd-verify.service']);
  expect(inputs.modprobe.map((f) => f.path)).toEqual(['/etc/modprobe.d/drbd.conf']);
  const codes = runChecks(inputs).map((f) => f.code);
  expect(codes).not.toContain('XD204');
  expect(codes).not.toContain('XD203');
  expect(codes).not.toContain('XD103');
});

test('a config named on the command line is auto-started when /etc/xen/auto links to it', async () => {
  const root = writeTree({
    'etc/xen/vm1.cfg': 'name = "vm1"\n',
    'etc/xen/vm2.cfg': 'name = "vm2"\n',
    'etc/xen/auto/vm1': { link: '../vm1.cfg' },
  });
  const inputs = await gatherInputs({
    root,
    configs: [join(root, 'etc/xen/vm1.cfg'), join(root, 'etc/xen/vm2.cfg')],
    hostname: 'alpha',
    run: replay(dumpAll).run,
  });
  expect(inputs.domains.map((d) => [d.name, d.file.autoStarted, d.file.autoName])).toEqual([
    ['vm1', true, 'vm1'],
    ['vm2', false, undefined],
  ]);
});

test("a failed dump-xml is kept in drbdadm's own words, without the modinfo noise", async () => {
  const { run, calls } = replay('', 10, "modinfo: ERROR: Module drbd not found.\n/etc/drbd.d/r0.res:3: Parse error: 'disk' expected\n");
  const inputs = await gatherInputs({ root: writeTree({}), configs: [], run });
  expect(calls[0]).toEqual(['drbdadm', '-c', expect.any(String), 'dump-xml']);
  expect(inputs.drbd).toEqual({ ok: false, error: expect.stringContaining("Parse error: 'disk' expected") });
  expect(inputs.drbd.ok || inputs.drbd.error.includes('modinfo')).toBe(false);
});
