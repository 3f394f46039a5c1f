// The one place that starts processes: an argv array, never a shell, stdin closed, a timeout from
// the caller's deadline. node:child_process rather than execa on purpose: execa costs ~30-40 ms of
// module loading per start (../shared/research/toolchain-probe.md §2), and block-drbd's start-up is
// guest downtime during a migration.
import { spawn } from 'node:child_process';

export type Argv = readonly [string, ...string[]];

export interface RunOptions {
  readonly timeoutMs: number;
  /** Extra file descriptors handed to the child as fd 3, 4, ... (the hotplug lock uses this). */
  readonly extraFds?: readonly number[];
  readonly stdin?: string;
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

// Children get a fixed PATH and C locale: libxl passes whatever environment its caller had (an ssh
// non-login shell may lack /sbin), and parsers expect untranslated output.
const CHILD_ENV = {
  PATH: '/usr/sbin:/sbin:/usr/bin:/bin:/usr/local/sbin:/usr/local/bin',
  LANG: 'C',
  LC_ALL: 'C',
};

export type Runner = (argv: Argv, options: RunOptions) => Promise<CommandResult>;

export const runCommand: Runner = (argv, options) =>
  new Promise((resolve) => {
    const started = Date.now();
    const [file, ...args] = argv;
    const env = { ...process.env, ...CHILD_ENV };
    // Tests put fake tools first on PATH; honour a PATH prefix the caller set explicitly.
    if (process.env.XEN_DRBD_PATH_PREFIX) env.PATH = `${process.env.XEN_DRBD_PATH_PREFIX}:${env.PATH}`;
    const stdin = options.stdin === undefined ? 'ignore' : 'pipe';
    const child = spawn(file, args, {
      env,
      stdio: [stdin, 'pipe', 'pipe', ...(options.extraFds ?? [])],
      shell: false,
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
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
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, Math.max(1, options.timeoutMs));
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    if (options.stdin !== undefined) child.stdin?.end(options.stdin);
    child.on('error', (err) => finish(null, null, err));
    child.on('close', (code, signal) => finish(code, signal));
  });

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
