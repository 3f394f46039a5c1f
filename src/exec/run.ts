// The one place that starts processes: an argv array, never a shell, stdin closed, a timeout from
// the caller's deadline. node:child_process rather than execa on purpose: execa costs ~30-40 ms of
// module loading per start, and block-drbd's start-up is guest downtime during a migration.
//
// Each child leads its own process group, and a timeout stops the whole group: a drbdadm whose
// drbdsetup blocks in a fence-peer handler, or any grandchild holding our pipes, must not keep the
// run waiting. The wait ends at the deadline (plus the kill grace) whether or not the pipes close
// and even when the child cannot die: a drbdsetup blocked in the kernel (D state) only dies once
// the handler returns.
import type * as ChildProcess from 'node:child_process';
import { testSeams } from '../test-seams';

// Required at the first spawn, not at start: Node 18 cannot hold child_process in a V8 start-up
// snapshot (src/startup-snapshot), and a run that ends before spawning never loads it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const childProcess = (): typeof ChildProcess => require('node:child_process') as typeof ChildProcess;

export type Argv = readonly [string, ...string[]];

export interface RunOptions {
  readonly timeoutMs: number;
  /** Extra file descriptors handed to the child as fd 3, 4, ... (the hotplug lock uses this). */
  readonly extraFds?: readonly number[];
  readonly stdin?: string;
  /** Each piece of stdout as it arrives (a watch reads a stream that only ends when stopped). */
  readonly onStdout?: (chunk: string) => void;
  /** Stops the child the way a timeout does (SIGTERM to its group, then SIGKILL), without calling it one. */
  readonly signal?: AbortSignal;
}

export interface CommandResult {
  readonly argv: Argv;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly durationMs: number;
}

/** A command that could not run, timed out or exited non-zero, with the evidence. */
export class CommandFailed extends Error {
  override readonly name = 'CommandFailed';
  constructor(readonly result: CommandResult) {
    super(describeFailure(result));
  }
}

/**
 * At the deadline the group gets SIGTERM, then SIGKILL this much later. SIGTERM first because LVM
 * blocks signals through a metadata commit or a suspend/resume of device-mapper tables, and a
 * SIGKILL there can leave a device suspended; DRBD's tools and flock die on either at once.
 */
export const KILL_GRACE_MS = 1000;
/** After the child exits, how long output may still arrive through pipes a leftover process holds. */
const PIPE_GRACE_MS = 200;

// Children get a fixed PATH and C locale: libxl passes whatever environment its caller had (an ssh
// non-login shell may lack /sbin), and parsers expect untranslated output.
const CHILD_ENV = {
  PATH: '/usr/sbin:/sbin:/usr/bin:/bin:/usr/local/sbin:/usr/local/bin',
  LANG: 'C',
  LC_ALL: 'C',
};

/** A child's environment: ours, with the fixed PATH (after a test's stand-in tools, see test-seams.ts) and C locale. */
export function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const prefix = testSeams(env).pathPrefix;
  return { ...env, ...CHILD_ENV, ...(prefix === undefined ? {} : { PATH: `${prefix}:${CHILD_ENV.PATH}` }) };
}

export type Runner = (argv: Argv, options: RunOptions) => Promise<CommandResult>;

export const runCommand: Runner = (argv, options) =>
  new Promise((resolve) => {
    const started = Date.now();
    const [file, ...args] = argv;
    const env = childEnv(process.env); // an unsafe test seam throws: the run rejects, nothing is started
    const stdin = options.stdin === undefined ? 'ignore' : 'pipe';
    const child = childProcess().spawn(file, args, {
      env,
      stdio: [stdin, 'pipe', 'pipe', ...(options.extraFds ?? [])],
      shell: false,
      detached: true, // its own process group (and session), so that a timeout can stop all of it
    });
    const pid = child.pid;
    if (pid !== undefined) live.track(pid);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    let exitCode: number | null = null;
    let signal: NodeJS.Signals | null = null;
    let spawnError: Error | undefined;
    const timers: NodeJS.Timeout[] = [];
    const later = (ms: number, f: () => void) => timers.push(setTimeout(f, ms));
    const finish = () => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      options.signal?.removeEventListener('abort', onAbort);
      // A process that outlives the wait keeps our pipes; let go of them and of the child.
      child.stdout?.destroy();
      child.stderr?.destroy();
      child.unref();
      resolve({
        argv,
        exitCode,
        signal,
        stdout,
        stderr: spawnError ? `${stderr}${spawnError.message}` : stderr,
        timedOut,
        durationMs: Date.now() - started,
      });
    };
    let stopping = false;
    const stop = () => {
      if (stopping || settled) return;
      stopping = true;
      killGroup(pid, 'SIGTERM');
      later(KILL_GRACE_MS, () => {
        killGroup(pid, 'SIGKILL');
        later(PIPE_GRACE_MS, finish);
      });
    };
    later(Math.max(1, options.timeoutMs), () => {
      if (!stopping) timedOut = true;
      stop();
    });
    const onAbort = () => stop();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted === true) stop();
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      options.onStdout?.(d);
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    if (options.stdin !== undefined) {
      // A child that exits without reading its input (EPIPE) is not our failure: its exit code tells.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(options.stdin);
    }
    child.on('error', (err) => {
      spawnError = err;
      if (pid !== undefined) live.untrack(pid);
      finish();
    });
    child.on('exit', (code, sig) => {
      exitCode = code;
      signal = sig;
      if (pid !== undefined) live.untrack(pid);
      // Without a timeout or a stop, a leftover holding the pipes is left alone (it may be a daemon
      // the command started on purpose); after one, the SIGKILL already scheduled ends the wait.
      if (!stopping) later(PIPE_GRACE_MS, finish);
    });
    child.on('close', () => {
      if (stopping) killGroup(pid, 'SIGKILL'); // what of the group no longer holds our pipes
      finish();
    });
  });

function killGroup(pid: number | undefined, sig: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, sig);
  } catch {
    // the group is gone
  }
}

/**
 * Children still running. Their own groups no longer get a terminal's SIGINT or a SIGTERM meant
 * for us, so both are passed on (then we die of the signal as we would have), and whatever is left
 * when we exit is killed. Nothing survives a SIGKILL of this process (libxl's at 40 s kills our pid
 * only): the run's deadline ends every child before then, and block-drbd's ledger covers the rest.
 */
const live = new (class {
  private readonly pids = new Set<number>();
  private readonly signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  private readonly onExit = () => this.killAll('SIGKILL');
  private readonly onSignal = (sig: NodeJS.Signals) => {
    this.killAll(sig);
    this.disarm();
    process.kill(process.pid, sig);
  };

  track(pid: number): void {
    if (this.pids.size === 0) {
      process.on('exit', this.onExit);
      for (const s of this.signals) process.on(s, this.onSignal);
    }
    this.pids.add(pid);
  }

  untrack(pid: number): void {
    if (this.pids.delete(pid) && this.pids.size === 0) this.disarm();
  }

  private disarm(): void {
    process.removeListener('exit', this.onExit);
    for (const s of this.signals) process.removeListener(s, this.onSignal);
  }

  private killAll(sig: NodeJS.Signals): void {
    for (const pid of this.pids) killGroup(pid, sig);
  }
})();

export function succeeded(result: CommandResult): boolean {
  return result.exitCode === 0 && !result.timedOut;
}

export function describeFailure(r: CommandResult): string {
  const cmd = r.argv.join(' ');
  if (r.timedOut) return `'${cmd}' did not finish within ${r.durationMs} ms and was killed`;
  if (r.exitCode === null && r.signal === null) return `'${cmd}' could not be started: ${r.stderr.trim()}`;
  if (r.signal !== null) return `'${cmd}' was killed by ${r.signal}`;
  return `'${cmd}' exited with code ${r.exitCode}`;
}
