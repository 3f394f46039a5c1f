// The tapdisk backend on argv and tap-ctl's output format (control/tap-ctl.c: tap_cli_list_dict and
// tap_cli_create print these lines). Not run against a real blktap: that needs an XCP-ng host.
import { existsSync, mkdtempSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Argv, CommandResult, Runner } from '../../../../src/exec/run';
import { blkback } from '../../../../src/drbdlvm-sr/backends/blkback';
import { parseCreated, parseTapList, tapArgv } from '../../../../src/drbdlvm-sr/backends/tap-ctl';
import { Tapdisk } from '../../../../src/drbdlvm-sr/backends/tapdisk';
import { parseUuid } from '../../../../src/drbdlvm-sr/layout';

const SR = parseUuid('3b2f4c1e-7a55-8c1d-0e7f-2a9b6c4d8e11', 'sr');
const VDI = parseUuid('f37ef400-7016-4af6-99bb-baa5fa06f0fc', 'vdi');
const LV = `/dev/VG_XenStorage-${SR}/LV-${VDI}`;

function runner(answers: Array<[number, string, string?]>): { run: Runner; calls: Argv[] } {
  const calls: Argv[] = [];
  const run: Runner = async (argv) => {
    calls.push(argv);
    const [exitCode, stdout, stderr = ''] = answers.shift() ?? [0, ''];
    const r: CommandResult = { argv, exitCode, signal: null, stdout, stderr, timedOut: false, durationMs: 1 };
    return r;
  };
  return { run, calls };
}

describe('tap-ctl argv and output', () => {
  it('builds create (RW and RO), list and destroy', () => {
    expect(tapArgv.create(LV, true)).toEqual(['tap-ctl', 'create', '-a', `aio:${LV}`]);
    expect(tapArgv.create(LV, false)).toEqual(['tap-ctl', 'create', '-a', `aio:${LV}`, '-R']);
    expect(tapArgv.list(LV)).toEqual(['tap-ctl', 'list', '-f', LV]);
    expect(tapArgv.destroy({ pid: 4242, minor: 3 })).toEqual(['tap-ctl', 'destroy', '-p', '4242', '-m', '3']);
  });

  it('reads list lines, with or without an open image', () => {
    expect(parseTapList(`pid=4242 minor=3 state=0 args=aio:${LV}\npid=4300 minor=4 state=0x10\n\n`)).toEqual([
      { pid: 4242, minor: 3, type: 'aio', path: LV },
      { pid: 4300, minor: 4 },
    ]);
    expect(() => parseTapList('minor=3 state=0')).toThrow(/without pid and minor/);
  });

  it("reads create's device path", () => {
    expect(parseCreated('/dev/xen/blktap-2/tapdev3\n')).toBe('/dev/xen/blktap-2/tapdev3');
    expect(parseCreated('')).toBeUndefined();
  });
});

describe('Tapdisk', () => {
  it('starts one tapdisk and points the attach path at its device', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sm-backend-'));
    const { run, calls } = runner([
      [0, ''],
      [0, '/dev/xen/blktap-2/tapdev3\n'],
    ]);
    const t = new Tapdisk(run, dir);
    await t.open(SR, VDI, LV, true);
    expect(calls).toEqual([tapArgv.list(LV), tapArgv.create(LV, true)]);
    expect(readlinkSync(t.params(SR, VDI))).toBe('/dev/xen/blktap-2/tapdev3');
  });

  it('keeps a tapdisk already serving the LV (an activate retried after a crash)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sm-backend-'));
    const { run, calls } = runner([[0, `pid=4242 minor=7 state=0 args=aio:${LV}\n`]]);
    const t = new Tapdisk(run, dir);
    await t.open(SR, VDI, LV, true);
    expect(calls).toEqual([tapArgv.list(LV)]);
    expect(readlinkSync(t.params(SR, VDI))).toBe('/dev/xen/blktap-2/tapdev7');
  });

  it('stops every tapdisk on the LV and removes the path; nothing running is fine', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sm-backend-'));
    const { run, calls } = runner([
      [0, ''],
      [0, '/dev/xen/blktap-2/tapdev3\n'],
      [0, `pid=4242 minor=3 state=0 args=aio:${LV}\n`],
      [0, ''],
      [0, ''],
    ]);
    const t = new Tapdisk(run, dir);
    await t.open(SR, VDI, LV, true);
    await t.close(SR, VDI, LV);
    expect(calls.slice(2)).toEqual([tapArgv.list(LV), tapArgv.destroy({ pid: 4242, minor: 3 })]);
    expect(existsSync(t.params(SR, VDI))).toBe(false);
    await t.close(SR, VDI, LV);
    expect(calls.slice(4)).toEqual([tapArgv.list(LV)]);
  });

  it("fails with TapdiskFailed and tap-ctl's words", async () => {
    const { run } = runner([
      [0, ''],
      [1, '', 'tap-ctl: failed to open aio:/dev/x: No such file or directory\n'],
    ]);
    await expect(new Tapdisk(run, mkdtempSync(join(tmpdir(), 'sm-backend-'))).open(SR, VDI, LV, true)).rejects.toMatchObject({
      code: 453,
      message: expect.stringMatching(/starting a tapdisk on .*exited with code 1: tap-ctl: failed to open/),
    });
  });
});

describe('blkback', () => {
  it('serves the LV path itself and starts nothing', async () => {
    expect(blkback.params(SR, VDI)).toBe(LV);
    await expect(blkback.open(SR, VDI, LV, true)).resolves.toBeUndefined();
  });
});
