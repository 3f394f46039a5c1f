// The process runner against real processes: a child whose grandchild keeps the pipes open must
// not outlive the deadline (issue 19, defect 2). The fixtures are small shell scripts in a temp dir.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand, type CommandResult } from '../../../src/exec/run';

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

  it('reports a command that cannot be started', async () => {
    const r = await runCommand([join(dir, 'missing')], { timeoutMs: 20_000 });
    expect(r).toMatchObject({ exitCode: null, signal: null, timedOut: false });
    expect(r.stderr).toMatch(/ENOENT/);
  });
});
