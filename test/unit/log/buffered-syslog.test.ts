import { BufferedSyslog } from '../../../src/log/buffered-syslog';
import { SmLog } from '../../../src/drbdlvm-sr/log';
import type { Argv, CommandResult, RunOptions } from '../../../src/exec/run';

function runner(failFor?: string): {
  calls: Array<{ argv: Argv; stdin?: string }>;
  run: (a: Argv, o: RunOptions) => Promise<CommandResult>;
} {
  const calls: Array<{ argv: Argv; stdin?: string }> = [];
  return {
    calls,
    run: async (argv, o) => {
      calls.push({ argv, stdin: o.stdin });
      if (failFor !== undefined && argv[2]?.endsWith(failFor)) throw new Error('logger failed');
      return { argv, exitCode: 0, signal: null, stdout: '', stderr: '', timedOut: false, durationMs: 1 };
    },
  };
}

describe('BufferedSyslog', () => {
  const filled = (): BufferedSyslog => {
    const b = new BufferedSyslog();
    b.add('warning', 'w1');
    b.add('err', 'e\nx');
    b.add('warning', 'w2');
    return b;
  };
  const to = { facility: 'daemon', tag: 't', format: (m: string) => m.replace(/\n/g, ' ') };

  it('sends one logger per level, in the order levels first appeared, lines formatted', async () => {
    const r = runner();
    await filled().flush(r.run, to);
    expect(r.calls).toEqual([
      { argv: ['logger', '-p', 'daemon.warning', '-t', 't'], stdin: 'w1\nw2\n' },
      { argv: ['logger', '-p', 'daemon.err', '-t', 't'], stdin: 'e x\n' },
    ]);
  });

  it('fails on a failed logger run unless told to keep going', async () => {
    const stop = runner('warning');
    await expect(filled().flush(stop.run, to)).rejects.toThrow('logger failed');
    expect(stop.calls).toHaveLength(1);
    const on = runner('warning');
    await filled().flush(on.run, { ...to, keepGoing: true });
    expect(on.calls).toHaveLength(2);
  });
});

it('SmLog writes as Python SM does: local2, tag SM, "[pid] message", and never fails the call', async () => {
  const log = new SmLog();
  log.log('info', 'a');
  log.log('err', 'b\nc');
  const r = runner('info');
  await log.flush(r.run);
  expect(r.calls).toEqual([
    { argv: ['logger', '-p', 'local2.info', '-t', 'SM'], stdin: `[${process.pid}] a\n` },
    { argv: ['logger', '-p', 'local2.err', '-t', 'SM'], stdin: `[${process.pid}] b c\n` },
  ]);
});
