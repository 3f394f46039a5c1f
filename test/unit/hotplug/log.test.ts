import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HotplugLog } from '../../../src/hotplug/log';
import type { Argv, CommandResult, RunOptions } from '../../../src/exec/run';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'xen-drbd-log-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function recordingRunner(): { calls: Array<{ argv: Argv; stdin?: string }>; run: (a: Argv, o: RunOptions) => Promise<CommandResult> } {
  const calls: Array<{ argv: Argv; stdin?: string }> = [];
  return {
    calls,
    run: async (argv, o) => {
      calls.push({ argv, stdin: o.stdin });
      return { argv, exitCode: 0, signal: null, stdout: '', stderr: '', timedOut: false, durationMs: 1 };
    },
  };
}

const lineShape = (tag: string, level: string, msg: string) =>
  new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z ${tag}\\[${process.pid}\\]: ${level}: ${msg.replace(/[()]/g, '\\$&')}$`);

describe('HotplugLog', () => {
  it('writes each line to xen-hotplug.log as it is logged, before any flush (a SIGKILLed run keeps its trace)', () => {
    const path = join(dir, 'xen', 'xen-hotplug.log'); // the directory does not exist yet
    const log = new HotplugLog('block-drbd', path);
    log.log('debug', 'r0: promoting for backend/vbd/3/51712');
    expect(readFileSync(path, 'utf8').trimEnd().split('\n')).toEqual([
      expect.stringMatching(lineShape('block-drbd', 'debug', 'r0: promoting for backend/vbd/3/51712')),
    ]);
    log.log('notice', 'r0: promoted\nsecond line');
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(lineShape('block-drbd', 'notice', 'r0: promoted second line'));
  });

  it('appends to an existing log rather than replacing it', () => {
    const path = join(dir, 'xen-hotplug.log');
    writeFileSync(path, 'earlier line\n');
    new HotplugLog('block-drbd', path).log('err', 'x');
    expect(readFileSync(path, 'utf8').split('\n')[0]).toBe('earlier line');
  });

  it('survives a log path that cannot be written and still sends syslog', async () => {
    const blocker = join(dir, 'not-a-dir');
    writeFileSync(blocker, '');
    const log = new HotplugLog('block-drbd', join(blocker, 'xen-hotplug.log'));
    expect(() => log.log('err', 'r0: LEFT PRIMARY')).not.toThrow();
    const r = recordingRunner();
    await log.flushSyslog(r.run, 'info');
    expect(r.calls).toEqual([{ argv: ['logger', '-p', 'daemon.err', '-t', 'block-drbd'], stdin: 'r0: LEFT PRIMARY\n' }]);
  });

  it('sends syslog one logger per level at or above the least, lines in order, debug left to the file', async () => {
    const log = new HotplugLog('block-drbd', join(dir, 'xen-hotplug.log'));
    log.log('debug', 'd');
    log.log('notice', 'n1');
    log.log('warning', 'w');
    log.log('notice', 'n2');
    const r = recordingRunner();
    await log.flushSyslog(r.run, 'info');
    expect(r.calls).toEqual([
      { argv: ['logger', '-p', 'daemon.notice', '-t', 'block-drbd'], stdin: 'n1\nn2\n' },
      { argv: ['logger', '-p', 'daemon.warning', '-t', 'block-drbd'], stdin: 'w\n' },
    ]);
    const quiet = recordingRunner();
    await log.flushSyslog(quiet.run, 'err');
    expect(quiet.calls).toEqual([]);
  });
});

it('does not append through a link planted at the log path (root writes it)', () => {
  const victim = join(dir, 'shadow');
  writeFileSync(victim, 'root only\n');
  symlinkSync(victim, join(dir, 'xen-hotplug.log'));
  new HotplugLog('block-drbd', join(dir, 'xen-hotplug.log')).log('err', 'x');
  expect(readFileSync(victim, 'utf8')).toBe('root only\n');
});
