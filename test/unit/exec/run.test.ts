// The process runner against real processes: a child whose grandchild keeps the pipes open must
// not outlive the deadline (issue 19, defect 2). The fixtures are small shell scripts in a temp dir.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand, type CommandResult } from '../../../src/exec/run';
import { watchEvents } from '../../../src/drbd/watch';

jest.setTimeout(60_000);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'run-test-'));
});
afterEach(() => {
  for (const pid of pidsIn(dir)) {
    try {
      process.kill(pid, 'SIGKILL'); // only if a test failed and left it
    } catch {
      // gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}`);
  chmodSync(path, 0o755);
  return path;
}

function pidsIn(d: string): number[] {
  try {
    return readFileSync(join(d, 'pids'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Dead: no such process, or a zombie waiting for init to reap it. */
function dead(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

async function waitDead(pid: number): Promise<boolean> {
  // A hang guard, not a timing assertion: SIGKILLed processes go at once on an idle machine.
  for (let i = 0; i < 100 && !dead(pid); i++) await new Promise((r) => setTimeout(r, 50));
  return dead(pid);
}

/** Fails the test instead of hanging it when the runner never resolves. */
function settleWithin<T>(p: Promise<T>, ms: number): Promise<T | 'never resolved'> {
  return Promise.race([p, new Promise<'never resolved'>((r) => setTimeout(() => r('never resolved'), ms).unref())]);
}

describe('runCommand', () => {
  it('returns the output and exit code of a child that exits', async () => {
    const s = script('ok.sh', 'echo out; echo err >&2; exit 3\n');
    const r = await runCommand([s], { timeoutMs: 20_000 });
    expect(r).toMatchObject({ exitCode: 3, signal: null, stdout: 'out\n', stderr: 'err\n', timedOut: false });
  });

  it('feeds stdin and survives a child that exits without reading it', async () => {
    const cat = await runCommand(['cat'], { timeoutMs: 20_000, stdin: 'hello\n' });
    expect(cat).toMatchObject({ exitCode: 0, stdout: 'hello\n' });
    const s = script('no-read.sh', 'exit 0\n');
    const r = await runCommand([s], { timeoutMs: 20_000, stdin: 'x'.repeat(1 << 20) });
    expect(r.exitCode).toBe(0);
  });

  it('ends the wait at the deadline when a grandchild holds stdout open, and kills the whole group', async () => {
    // The child forks a grandchild that inherits stdout and sleeps; the child waits for it
    // (drbdadm waiting on a drbdsetup blocked in a fence-peer handler).
    const s = script(
      'hang.sh',
      `echo $$ >> "${dir}/pids"\nsh -c 'echo $$ >> "$1"; exec sleep 300' grandchild "${dir}/pids" &\necho started\nwait\n`,
    );
    const r = await settleWithin(runCommand([s], { timeoutMs: 1000 }), 20_000);
    expect(r).not.toBe('never resolved');
    const result = r as CommandResult;
    expect(result.timedOut).toBe(true);
    expect(result.stdout).toBe('started\n');
    const [child, grandchild] = pidsIn(dir);
    expect(await waitDead(child as number)).toBe(true);
    expect(await waitDead(grandchild as number)).toBe(true);
  });

  it('ends the wait when the child exits even if a grandchild it left behind holds the pipes', async () => {
    const s = script('leave.sh', `sh -c 'echo $$ >> "$1"; exec sleep 300' grandchild "${dir}/pids" &\necho done\nexit 0\n`);
    const r = await settleWithin(runCommand([s], { timeoutMs: 20_000 }), 15_000);
    expect(r).toMatchObject({ exitCode: 0, timedOut: false, stdout: 'done\n' });
  });

  it('asks the group to stop with SIGTERM first, so a child can finish a critical step', async () => {
    const s = script(
      'term.sh',
      `trap 'echo terminated > "${dir}/term"; exit 143' TERM\necho $$ >> "${dir}/pids"\nwhile :; do sleep 0.1; done\n`,
    );
    const r = await settleWithin(runCommand([s], { timeoutMs: 500 }), 20_000);
    expect(r).toMatchObject({ timedOut: true });
    expect(readFileSync(join(dir, 'term'), 'utf8')).toBe('terminated\n');
  });

  it('follows with SIGKILL when the group ignores SIGTERM', async () => {
    const s = script('deaf.sh', `trap '' TERM\necho $$ >> "${dir}/pids"\nwhile :; do sleep 0.1; done\n`);
    const r = await settleWithin(runCommand([s], { timeoutMs: 500 }), 20_000);
    expect(r).toMatchObject({ timedOut: true });
    expect(await waitDead(pidsIn(dir)[0] as number)).toBe(true);
  });

  it('hands stdout on as it arrives, and a stop ends the group without calling it a timeout', async () => {
    const s = script('stream.sh', `echo $$ >> "${dir}/pids"\necho first\nexec sleep 300\n`);
    const stop = new AbortController();
    const seen: string[] = [];
    const run = runCommand([s], { timeoutMs: 30_000, signal: stop.signal, onStdout: (c) => seen.push(c) });
    for (let i = 0; i < 200 && seen.join('') !== 'first\n'; i++) await new Promise((r) => setTimeout(r, 25));
    expect(seen.join('')).toBe('first\n');
    stop.abort();
    const r = await settleWithin(run, 20_000);
    expect(r).toMatchObject({ timedOut: false, signal: 'SIGTERM', stdout: 'first\n' });
    expect(await waitDead(pidsIn(dir)[0] as number)).toBe(true);
  });

  it('reports a command that cannot be started', async () => {
    const r = await runCommand([join(dir, 'missing')], { timeoutMs: 20_000 });
    expect(r).toMatchObject({ exitCode: null, signal: null, timedOut: false });
    expect(r.stderr).toMatch(/ENOENT/);
  });
});

// The events2 watch of a settling DRBD 9 resource, on a stand-in drbdsetup that talks as the real
// one does (test/fixtures/drbd9/lab-9.2.18/*.events2*.txt): the state, `exists -`, then events.
describe('watchEvents', () => {
  const STATE = 'exists resource name:r0 role:Secondary suspended:no force-io-failures:no may_promote:no promotion_score:0';

  it('tells the state told, then each change, then quiet; close() ends events2', async () => {
    const fifo = join(dir, 'go');
    const s = script(
      'drbdsetup',
      `echo $$ >> "${dir}/pids"\necho '${STATE}'\necho 'exists -'\n` +
        `while [ ! -e "${fifo}" ]; do sleep 0.05; done\necho 'change connection name:r0 peer-node-id:1 conn-name:hostb connection:Connected'\nexec sleep 300\n`,
    );
    const w = watchEvents(runCommand, [s, 'events2', 'r0'], 30_000);
    expect(await w.next(20_000)).toBe('changed'); // the state has been told
    expect(await w.next(50)).toBe('quiet');
    writeFileSync(fifo, '');
    expect(await w.next(20_000)).toBe('changed');
    expect(await settleWithin(w.close(), 20_000)).toBeUndefined();
    expect(await waitDead(pidsIn(dir)[0] as number)).toBe(true);
  });

  it("says 'ended' once events2 exits (the caller polls instead)", async () => {
    const s = script('drbdsetup', `echo "No such resource: r7" >&2\nexit 10\n`);
    const w = watchEvents(runCommand, [s, 'events2', 'r7'], 30_000);
    expect(await w.next(20_000)).toBe('ended');
    expect(await w.next(20_000)).toBe('ended');
    await w.close();
  });

  it('counts no change before the state is told: those are the state itself', async () => {
    const s = script('drbdsetup', `echo 'change resource name:r0 role:Primary'\necho 'exists -'\nexec sleep 300\n`);
    const w = watchEvents(runCommand, [s, 'events2', 'r0'], 30_000);
    expect(await w.next(20_000)).toBe('changed');
    expect(await w.next(50)).toBe('quiet');
    await w.close();
  });
});
