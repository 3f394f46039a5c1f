// The lab's command agent (test/lab/guest/agent.js), run here as each dom0 runs it (node, a port),
// with its request folders in a scratch directory: what a command gets (its script, stdin,
// environment, a session of its own), what comes back, and what a timeout and a dead forker do.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const AGENT = resolve(__dirname, '..', 'lab', 'guest', 'agent.js');

interface Reply {
  code: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

let dir: string;
let agent: ChildProcess;
let port: number;

function post(body: unknown): Promise<{ status: number; text: string }> {
  const data = JSON.stringify(body);
  return new Promise((res, rej) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: '/run', method: 'POST', headers: { 'content-length': Buffer.byteLength(data) } },
      (r) => {
        let text = '';
        r.setEncoding('utf8');
        r.on('data', (c: string) => (text += c));
        r.on('end', () => res({ status: r.statusCode ?? 0, text }));
      },
    );
    req.on('error', rej);
    req.end(data);
  });
}

async function run(cmd: string, extra: Record<string, unknown> = {}): Promise<Reply> {
  const r = await post({ cmd, ...extra });
  expect(r.status).toBe(200);
  return JSON.parse(r.text) as Reply;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Polls until `done()` holds; a hang guard of 20 s, not a speed check. */
async function eventually(done: () => boolean): Promise<boolean> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 100));
  return done();
}
const gone = (pid: number): Promise<boolean> => eventually(() => !alive(pid));

/** Bash for field `n` of /proc/PID/stat, counted after "PID (comm) " (as test/lab/guest/reset.sh reads it). */
const statField = (pid: string, n: number): string => `$(s=$(cat /proc/${pid}/stat); s=\${s##*) }; set -- $s; echo $${n})`;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lab-agent-'));
  // Port 0 is not something the agent takes: find a free one first.
  port = await new Promise<number>((res) => {
    const s = http.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
  agent = spawn(process.execPath, [AGENT, String(port)], { env: { ...process.env, LAB_AGENT_DIR: join(dir, 'requests') } });
  await new Promise<void>((res, rej) => {
    agent.stdout!.on('data', (d: Buffer) => /listening/.test(d.toString()) && res());
    agent.on('exit', (code) => rej(new Error(`agent exited with ${code}`)));
  });
});

afterEach(async () => {
  agent.kill('SIGKILL');
  await new Promise((r) => agent.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
});

test('exit code, stdout and stderr come back; the command runs in a session of its own, not the agent’s', async () => {
  // After "PID (comm) ": state ppid pgrp session.
  const session = (pid: string) => statField(pid, 4);
  const r = await run(`echo out; echo err >&2; echo $LAB_AGENT_PID ${session('$$')} ${session('$LAB_AGENT_PID')} $$; exit 3`);
  expect(r).toMatchObject({ code: 3, signal: null, timedOut: false, stderr: 'err\n' });
  const [out, line] = r.stdout.split('\n');
  expect(out).toBe('out');
  const [agentPid, sid, agentSid] = line!.split(' ').map(Number);
  expect(agentPid).toBe(agent.pid);
  expect(sid).toBeGreaterThan(1);
  expect(sid).not.toBe(agentSid);
});

test('stdin and the environment reach the command verbatim, and a bad variable name is refused', async () => {
  const value = `it's $HOME "and" \`this\`\nsecond line`;
  const r = await run('cat; printf "[%s]" "$LAB_X"', { stdin: 'from stdin\n', env: { LAB_X: value } });
  expect(r.stdout).toBe(`from stdin\n[${value}]`);
  expect(await post({ cmd: 'true', env: { 'A B': '1' } })).toEqual({ status: 400, text: 'bad env name "A B"' });
  expect(await post({ cmd: 'true', env: { LAB_X: 'a\0b' } })).toEqual({ status: 400, text: 'bad env value for LAB_X: a NUL' });
});

test('commands at once each get their own exit code, even those that end at once; a signal reports 128 + its number', async () => {
  const replies = await Promise.all(Array.from({ length: 24 }, (_, i) => run(`echo ${i}; exit ${i}`)));
  expect(replies.map((r) => [r.code, r.stdout])).toEqual(Array.from({ length: 24 }, (_, i) => [i, `${i}\n`]));
  expect(await run('kill -KILL $$')).toMatchObject({ code: 137, timedOut: false });
});

test('a background child that keeps running does not hold the reply', async () => {
  const pidFile = join(dir, 'bg.pid');
  const r = await run(`sleep 60 & echo $! > ${pidFile}; echo started`);
  expect(r).toMatchObject({ code: 0, stdout: 'started\n' });
  const pid = Number(readFileSync(pidFile, 'utf8'));
  expect(alive(pid)).toBe(true);
  process.kill(pid, 'SIGKILL');
});

test('a timeout kills everything the command started and says so', async () => {
  const pidFile = join(dir, 'bg.pid');
  const r = await run(`sleep 60 & echo $! > ${pidFile}; echo before; sleep 60`, { timeoutMs: 1_000 });
  expect(r).toMatchObject({ code: null, signal: 'SIGKILL', timedOut: true, stdout: 'before\n' });
  expect(await gone(Number(readFileSync(pidFile, 'utf8')))).toBe(true);
});

test('a dead forker fails the commands it was running, and the agent starts another', async () => {
  // The agent's one child: /proc/PID/task/PID/children lists it.
  const forker = Number(readFileSync(`/proc/${agent.pid}/task/${agent.pid}/children`, 'utf8').trim());
  expect(forker).toBeGreaterThan(1);
  const groupFile = join(dir, 'sleeper.pgid');
  const pending = run(`echo ${statField('$$', 3)} > ${groupFile}.tmp; mv ${groupFile}.tmp ${groupFile}; sleep 60`);
  // The sleep is under way once it named its group.
  await eventually(() => existsSync(groupFile));
  const group = Number(readFileSync(groupFile, 'utf8'));
  process.kill(forker, 'SIGKILL');
  const r = await pending;
  expect(r.code).toBeNull();
  expect(r.stderr).toMatch(/agent: the agent's forker exited/);
  expect(await gone(forker)).toBe(true);
  process.kill(-group, 'SIGKILL');
  expect(await run('echo again')).toMatchObject({ code: 0, stdout: 'again\n' });
});
