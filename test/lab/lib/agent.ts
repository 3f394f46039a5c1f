// The runner's side of the command agent in each dom0 (test/lab/guest/agent.js): one request per
// short command, and dom0 jobs for long ones that must survive a dropped connection.
import * as crypto from 'node:crypto';
import * as http from 'node:http';

export interface RunResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

export interface RunOptions {
  timeoutMs?: number;
  stdin?: string;
  env?: Record<string, string>;
  /**
   * Run as a dom0 job (see runJob) instead of one agent request. Default: true for the
   * long-running xl commands matched by LONG_RUNNING, false otherwise.
   */
  job?: boolean;
}

/**
 * Commands that can take tens of seconds (xl create / migrate / shutdown -w / destroy): they
 * run as jobs in dom0 so that a dropped agent connection (or an agent restart) does not lose
 * them; the runner waits for their exit code with retried requests the agent answers itself.
 */
export const LONG_RUNNING = /^\s*xl\s+(create|migrate|shutdown|destroy|reboot|save|restore)\b/;

/** Errors that mean "the agent connection broke", not "the command failed". */
export function isConnectionError(e: unknown): boolean {
  const err = e as NodeJS.ErrnoException;
  const code = err?.code ?? '';
  const msg = err?.message ?? String(e);
  return (
    ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT', 'EHOSTUNREACH'].includes(code) ||
    /socket hang up|aborted|agent did not answer|bad agent reply/.test(msg)
  );
}

/** Where an agent client reports: the lab's progress log and its command trace. */
export interface AgentIo {
  log(line: string): void;
  trace(host: string, cmd: string, r: RunResult): void;
  note(text: string): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Commands for one dom0, through its agent on 127.0.0.1:agentPort. */
export abstract class AgentClient<N extends string = string> {
  constructor(
    readonly name: N,
    protected readonly io: AgentIo,
    public agentPort = 0,
  ) {}

  /** Whether the machine behind the agent runs at all. */
  abstract get alive(): boolean;
  /** Why it does not, for error messages. */
  protected abstract downReason(): string;
  /** Called after every request (the host samples qemu's memory). */
  protected afterRequest(): void {}

  /**
   * Runs a bash command in dom0 through the agent; never throws for a non-zero exit.
   * Long-running xl commands (LONG_RUNNING, or opts.job) run as dom0 jobs (runJob).
   */
  async run(cmd: string, opts: RunOptions = {}): Promise<RunResult> {
    if (opts.job ?? LONG_RUNNING.test(cmd)) return this.runJob(cmd, opts);
    return this.request(cmd, opts);
  }

  /** Like run() for idempotent commands: retried on connection errors until the deadline. */
  async runRetried(cmd: string, opts: RunOptions = {}, deadline = Date.now() + 120_000): Promise<RunResult> {
    return this.retried(`\`${cmd.slice(0, 60)}\``, cmd, deadline, () =>
      this.request(cmd, { ...opts, timeoutMs: Math.max(5_000, Math.min(opts.timeoutMs ?? 20_000, deadline - Date.now())) }),
    );
  }

  /** `attempt`, again after each connection error (1 s, 2 s … 5 s apart) until `deadline`; any other error is thrown. */
  private async retried<T>(what: string, cmd: string, deadline: number, attempt: () => Promise<T>): Promise<T> {
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (e) {
        if (!isConnectionError(e) || !this.alive || Date.now() > deadline) throw e;
        this.io.log(`host ${this.name}: agent connection error (${(e as Error).message}); retry ${n} of ${what}`);
        this.io.note(`--- ${new Date().toISOString()} host ${this.name} CONNECTION ERROR ${(e as Error).message}; retrying\n$ ${cmd}\n\n`);
        await sleep(Math.min(5_000, 1_000 * n));
      }
    }
  }

  /**
   * Runs a command in dom0 as a job that does not depend on the agent connection: it is
   * started detached (setsid nohup) with stdin/stdout/stderr/exit code in files under
   * /run/lab-jobs/<id>/, and the runner waits for the exit code (POST /wait: the agent looks
   * in-process, no bash per look, so the job keeps dom0's only vCPU), retried on connection
   * errors. On timeout the job's process group is killed.
   */
  async runJob(cmd: string, opts: RunOptions = {}): Promise<RunResult> {
    if (!this.alive) throw new Error(`host ${this.name} is not running (${this.downReason()})`);
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const started = Date.now();
    const deadline = started + timeoutMs;
    const id = `${started.toString(36)}-${crypto.randomBytes(3).toString('hex')}`;
    const dir = `/run/lab-jobs/${id}`;
    // Idempotent start: a retry after a dropped connection never starts the job twice.
    const start = [
      `D=${dir}`,
      `mkdir -p /run/lab-jobs`,
      `if ! mkdir "$D" 2>/dev/null; then echo exists; exit 0; fi`,
      `printf '%s' "$LAB_JOB_CMD" > "$D/cmd"`,
      `printf '%s' "$LAB_JOB_STDIN" > "$D/stdin"`,
      `unset LAB_JOB_CMD LAB_JOB_STDIN`,
      // rc holds the exit code and the run time in µs, written whole (mv) once the command is done.
      `cd / && setsid nohup bash -c 'D=$1; echo $$ > "$D/pid"; t0=\${EPOCHREALTIME/./}; bash "$D/cmd" < "$D/stdin" > "$D/out" 2> "$D/err"; rc=$?; printf "%s\\n%s\\n" $rc $((\${EPOCHREALTIME/./} - t0)) > "$D/rc.tmp"; mv "$D/rc.tmp" "$D/rc"' job "$D" </dev/null >/dev/null 2>&1 &`,
      `echo started`,
    ].join('\n');
    const env = { ...(opts.env ?? {}), LAB_JOB_CMD: cmd, LAB_JOB_STDIN: opts.stdin ?? '' };
    const st = await this.runRetried(start, { env, timeoutMs: 20_000 }, Math.min(deadline, started + 120_000));
    if (st.code !== 0) throw new Error(`host ${this.name}: could not start job \`${cmd}\`: rc=${st.code} ${st.stderr.trim()}`);
    // Fault injection for testing this path: LAB_INJECT_AGENT_KILL=<regex> kills dom0's agent
    // (SIGKILL; init respawns it) right after a matching job has started.
    const inject = process.env.LAB_INJECT_AGENT_KILL;
    if (inject && new RegExp(inject).test(cmd)) {
      this.io.log(`host ${this.name}: fault injection: killing the agent while \`${cmd}\` runs`);
      await this.request('sleep 2; kill -KILL $LAB_AGENT_PID', { timeoutMs: 10_000 }).catch((e) =>
        this.io.log(`host ${this.name}: agent killed (${(e as Error).message})`),
      );
    }
    let rc: number | null = null;
    let timedOut = false;
    let jobMs: number | undefined; // the command's own run time, measured in dom0
    for (;;) {
      // The agent answers as soon as rc exists (or after 10 s, then asked again): no bash per look.
      const content = await this.waitJobFile(`${dir}/rc`, Math.max(1_000, Math.min(10_000, deadline - Date.now())), deadline + 60_000);
      const [t, us] = (content ?? '').trim().split('\n');
      if (/^\d+$/.test(t ?? '')) {
        rc = Number(t);
        if (/^\d+$/.test(us ?? '')) jobMs = Math.round(Number(us) / 1000);
        break;
      }
      if (Date.now() > deadline) {
        timedOut = true;
        await this.runRetried(
          `p=$(cat ${dir}/pid 2>/dev/null) && kill -KILL -- -"$p" 2>/dev/null; true`,
          { timeoutMs: 15_000 },
          Date.now() + 60_000,
        ).catch(() => undefined);
        break;
      }
    }
    // The job's output in one request (stdout to stdout, stderr to stderr), removed once read
    // unless it timed out (then its files stay for a look).
    const out = await this.runRetried(
      `cat ${dir}/out 2>/dev/null; cat ${dir}/err >&2 2>/dev/null${timedOut ? '' : `; rm -rf ${dir}`}`,
      { timeoutMs: 20_000 },
      Date.now() + 60_000,
    );
    const res: RunResult = {
      code: rc,
      signal: timedOut ? 'SIGKILL' : null,
      stdout: out.stdout,
      stderr: out.stderr,
      ms: jobMs ?? Date.now() - started,
      timedOut,
    };
    this.io.trace(this.name, `[job ${dir}] ${cmd}`, res);
    return res;
  }

  /**
   * A job file's content once it exists, or undefined after waitMs (POST /wait, answered by the
   * agent itself); retried on connection errors until `deadline`.
   */
  private async waitJobFile(path: string, waitMs: number, deadline: number): Promise<string | undefined> {
    const r = await this.retried(`the wait for ${path}`, `[wait] ${path}`, deadline, () =>
      this.post<{ content: string | null }>('/wait', { path, timeoutMs: waitMs }, waitMs + 15_000, `wait for ${path}`),
    );
    return r.content ?? undefined;
  }

  /** One agent request (POST /run); throws on connection errors. */
  private async request(cmd: string, opts: RunOptions = {}): Promise<RunResult> {
    if (!this.alive) throw new Error(`host ${this.name} is not running (${this.downReason()})`);
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const res = await this.post<RunResult>(
      '/run',
      { cmd, timeoutMs, stdin: opts.stdin ?? '', env: opts.env ?? {} },
      timeoutMs + 15_000,
      cmd,
    );
    this.afterRequest();
    this.io.trace(this.name, cmd, res);
    return res;
  }

  /** One POST to the agent, its JSON reply; throws on connection errors and bad replies. */
  private post<T>(path: string, payload: unknown, timeoutMs: number, what: string): Promise<T> {
    if (!this.alive) return Promise.reject(new Error(`host ${this.name} is not running (${this.downReason()})`));
    const body = JSON.stringify(payload);
    return new Promise<T>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: this.agentPort,
          path,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          timeout: timeoutMs,
        },
        (resp) => {
          const chunks: Buffer[] = [];
          resp.on('data', (c: Buffer) => chunks.push(c));
          resp.on('end', () => {
            try {
              resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as T);
            } catch (e) {
              reject(new Error(`host ${this.name}: bad agent reply: ${String(e)}`));
            }
          });
          resp.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`host ${this.name}: agent did not answer within ${timeoutMs} ms: ${what}`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Runs a command and returns stdout; throws with stderr if the exit code is not 0. */
  async sh(cmd: string, opts: RunOptions = {}): Promise<string> {
    const r = await this.run(cmd, opts);
    if (r.code !== 0) {
      throw new Error(
        `host ${this.name}: \`${cmd}\` failed (rc=${r.code}${r.timedOut ? ', timed out' : ''}): ${(r.stderr || r.stdout).trim()}`,
      );
    }
    return r.stdout;
  }

  async health(): Promise<boolean> {
    return new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port: this.agentPort, path: '/health', timeout: 3000 }, (resp) => {
        resp.resume();
        resolve(resp.statusCode === 200);
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(false));
    });
  }

  /** Polls a command until check(result) is true. */
  async waitFor(cmd: string, check: (r: RunResult) => boolean, timeoutMs: number, what = cmd): Promise<RunResult> {
    const end = Date.now() + timeoutMs;
    let last: RunResult | undefined;
    for (;;) {
      // Polled commands are read-only: retried on connection errors (bounded by the deadline).
      last = await this.runRetried(cmd, { timeoutMs: Math.max(5_000, Math.min(30_000, end - Date.now())) }, end + 30_000);
      if (check(last)) return last;
      if (Date.now() > end) {
        throw new Error(
          `host ${this.name}: timeout ${timeoutMs} ms waiting for ${what}; last rc=${last.code} out=${last.stdout.trim()} err=${last.stderr.trim()}`,
        );
      }
      await sleep(500);
    }
  }
}
