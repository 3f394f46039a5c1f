// Boots the two-host Xen + DRBD lab under qemu (TCG) and lets scenarios drive it.
//
// Each host is one qemu process: Xen 4.17 (multiboot) + a Debian dom0 whose initramfs is the
// cached base cpio (test/lab/build.sh) followed by a per-run overlay cpio carrying /init,
// the command agent, the guest's init and the freshly built dist/. Two NICs:
//   - replication: e1000 on `-netdev socket` (A listens, B connects; 127.0.0.1 only);
//   - control: e1000 on `-netdev user,restrict=on` with one hostfwd bound to 127.0.0.1, used
//     by the runner to reach the agent (test/lab/guest/agent.js) that runs commands in dom0.
// Every qemu is killed by PID on stop(), on process exit, on SIGINT/SIGTERM, and by a small
// shell watchdog if this Node process dies without cleaning up (or the lifetime ceiling passes).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { buildCpio, withParents, type CpioEntry } from './cpio';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const LAB_DIR = path.join(REPO_ROOT, 'test', 'lab');
export const CACHE_DIR = process.env.XEN_DRBD_LAB_CACHE || '/var/cache/xen-drbd-lab';
/** The built executables copied into each dom0; LAB_DIST_DIR pins a copy while dist/ is rebuilt. */
export const DIST_DIR = process.env.LAB_DIST_DIR || path.join(REPO_ROOT, 'dist');

export type ScriptChoice = 'debian' | 'dist';
export type HostName = 'A' | 'B';

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
   * Run as a dom0 job (see Host.runJob) instead of one agent request. Default: true for the
   * long-running xl commands matched by LONG_RUNNING, false otherwise.
   */
  job?: boolean;
}

/**
 * Commands that can take tens of seconds (xl create / migrate / shutdown -w / destroy): they
 * run as jobs in dom0 so that a dropped agent connection (or an agent restart) does not lose
 * them; the runner polls for their exit code with short, retried requests.
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

export interface LabOptions {
  /** Which /etc/xen/scripts/block-drbd each dom0 runs (default: env LAB_SCRIPT or 'debian'). */
  script?: ScriptChoice;
  /** Boot timeout per host (default 240 s). */
  bootTimeoutMs?: number;
  /** Hard ceiling for each qemu's lifetime, enforced by the watchdog (default 3600 s). */
  maxLifetimeS?: number;
  /** Progress output (default: stdout). */
  log?: (line: string) => void;
  /** Keep the run directory (serial logs) after stop (default true; the big cpio is removed). */
  keepRunDir?: boolean;
  /** Size of the deterministic guest payload in bytes (default 4 MiB). */
  payloadBytes?: number;
  /**
   * A TCP port on the runner's 127.0.0.1 (the XenAPI simulator) that each dom0 reaches at
   * 10.0.2.100:80: qemu's guestfwd runs `socat` per connection, which restrict=on allows.
   */
  xapiPort?: number;
  /** qemu's RAM per host in MiB (default 2048; dom0 keeps dom0MemMiB of it, the rest is Xen's for guests). */
  memMiB?: Partial<Record<HostName, number>>;
  /** dom0's memory per host in MiB (Xen's dom0_mem=N,max:N; default 1024). */
  dom0MemMiB?: Partial<Record<HostName, number>>;
  /**
   * dom0's vCPUs per host (default 1): qemu `-smp N` (so Xen sees N physical CPUs; guests share
   * them) and Xen's `dom0_max_vcpus=N`. Under TCG each emulated CPU is a host thread: more than
   * the runner's cores in total (both hosts) only slows everything down.
   */
  dom0Vcpus?: Partial<Record<HostName, number>>;
}

export interface Manifest {
  [k: string]: string;
}

export function readManifest(): Manifest {
  const file = path.join(CACHE_DIR, 'manifest.env');
  if (!fs.existsSync(file)) {
    throw new Error(`lab cache not built: ${file} missing — run: sudo bash test/lab/build.sh`);
  }
  const m: Manifest = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) m[line.slice(0, i)] = line.slice(i + 1);
  }
  return m;
}

/** Picks a free TCP port on 127.0.0.1 (the kernel chooses; released before qemu binds it). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * qemu's CPU model for both hosts; LAB_QEMU_CPU overrides it (for experiments).
 * No AVX and no XSAVE: with them (`max`), Node in dom0 computed wrong SHA-256 sums in every run
 * while a guest was running (Xen's XSAVE/XRSTOR of AVX state between vCPUs under qemu 7.2's
 * TCG), and crashed now and then; none without them (test/lab/cpu-check.ts, README "CPU model").
 */
export const LAB_CPU = 'max,-smap,-xsave,-avx,-avx2,-fma,-f16c,-vaes,-vpclmulqdq';
export function qemuCpu(): string {
  return process.env.LAB_QEMU_CPU || LAB_CPU;
}

// ---- process bookkeeping: every qemu PID we started, killed on any way out -------------------
const livePids = new Set<number>();
let handlersInstalled = false;
function killAllSync(): void {
  for (const pid of livePids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  livePids.clear();
}
function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      killAllSync();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}

export class Host {
  proc?: ChildProcess;
  pid = 0;
  readonly serialPath: string;
  bootMs = 0;
  peakRssKb = 0;
  private exited = false;
  private exitInfo = '';

  constructor(
    readonly name: HostName,
    readonly lab: Lab,
    readonly replIp: string,
    readonly replMac: string,
    readonly ctlMac: string,
    public agentPort = 0,
  ) {
    this.serialPath = path.join(lab.runDir, `host${name}.serial`);
  }

  get hostname(): string {
    return `host${this.name.toLowerCase()}`;
  }

  get alive(): boolean {
    return !!this.proc && !this.exited;
  }

  /** Starts qemu for this host. */
  start(qemuArgs: string[]): void {
    const qemuLog = fs.openSync(path.join(this.lab.runDir, `host${this.name}.qemu.log`), 'a');
    const proc = spawn('qemu-system-x86_64', qemuArgs, { stdio: ['ignore', qemuLog, qemuLog] });
    fs.closeSync(qemuLog);
    this.proc = proc;
    this.exited = false;
    this.pid = proc.pid ?? 0;
    if (this.pid) livePids.add(this.pid);
    proc.on('exit', (code, sig) => {
      this.exited = true;
      this.exitInfo = `qemu exited code=${code} signal=${sig}`;
      livePids.delete(this.pid);
    });
    // Watchdog: kills this qemu if the runner dies or the lifetime ceiling passes.
    const ceiling = this.lab.opts.maxLifetimeS ?? 3600;
    const wd = spawn(
      '/bin/sh',
      [
        '-c',
        `end=$(( $(date +%s) + ${ceiling} )); ` +
          `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${this.pid} 2>/dev/null && [ $(date +%s) -lt $end ]; do sleep 2; done; ` +
          `kill -9 ${this.pid} 2>/dev/null; exit 0`,
      ],
      { detached: true, stdio: 'ignore' },
    );
    wd.unref();
  }

  sampleRss(): void {
    if (!this.pid || this.exited) return;
    try {
      const st = fs.readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const m = /VmHWM:\s+(\d+)/.exec(st);
      if (m) this.peakRssKb = Math.max(this.peakRssKb, Number(m[1]));
    } catch {
      /* gone */
    }
  }

  /** Kills qemu by PID (SIGKILL) and waits for it to be gone. */
  async kill(): Promise<void> {
    this.sampleRss();
    if (!this.pid || this.exited) return;
    try {
      process.kill(this.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
    for (let i = 0; i < 50 && !this.exited; i++) await sleep(100);
    livePids.delete(this.pid);
  }

  serial(): string {
    try {
      return fs.readFileSync(this.serialPath, 'latin1');
    } catch {
      return '';
    }
  }

  /** Lines of the form "LAB-<KIND> ..." printed by dom0's init on the serial console. */
  labLines(): string[] {
    return this.serial()
      .split(/\r?\n/)
      .filter((l) => l.startsWith('LAB-'));
  }

  async waitSerial(re: RegExp, timeoutMs: number, failRe?: RegExp): Promise<RegExpExecArray> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const text = this.serial();
      const m = re.exec(text);
      if (m) return m;
      if (failRe) {
        const f = failRe.exec(text);
        if (f) throw new Error(`host ${this.name}: console shows "${f[0].trim()}" (serial: ${this.serialPath})`);
      }
      if (this.exited) throw new Error(`host ${this.name}: ${this.exitInfo} while waiting for ${re} (serial: ${this.serialPath})`);
      if (Date.now() > end) throw new Error(`host ${this.name}: timeout ${timeoutMs} ms waiting for ${re} on the console (serial: ${this.serialPath})`);
      await sleep(250);
    }
  }

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
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.request(cmd, { ...opts, timeoutMs: Math.max(5_000, Math.min(opts.timeoutMs ?? 20_000, deadline - Date.now())) });
      } catch (e) {
        if (!isConnectionError(e) || !this.alive || Date.now() > deadline) throw e;
        this.lab.log(`host ${this.name}: agent connection error (${(e as Error).message}); retry ${attempt} of \`${cmd.slice(0, 60)}\``);
        fs.appendFileSync(this.lab.traceFile, `--- ${new Date().toISOString()} host ${this.name} CONNECTION ERROR ${(e as Error).message}; retrying\n$ ${cmd}\n\n`);
        await sleep(Math.min(5_000, 1_000 * attempt));
      }
    }
  }

  /**
   * Runs a command in dom0 as a job that does not depend on the agent connection: it is
   * started detached (setsid nohup) with stdin/stdout/stderr/exit code in files under
   * /run/lab-jobs/<id>/, and the runner polls for the exit code with short requests that are
   * retried on connection errors. On timeout the job's process group is killed.
   */
  async runJob(cmd: string, opts: RunOptions = {}): Promise<RunResult> {
    if (!this.alive) throw new Error(`host ${this.name} is not running (${this.exitInfo || 'not started'})`);
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
      `cd / && setsid nohup bash -c 'D=$1; echo $$ > "$D/pid"; t0=\${EPOCHREALTIME/./}; bash "$D/cmd" < "$D/stdin" > "$D/out" 2> "$D/err"; rc=$?; echo $((\${EPOCHREALTIME/./} - t0)) > "$D/us"; echo $rc > "$D/rc.tmp"; mv "$D/rc.tmp" "$D/rc"' job "$D" </dev/null >/dev/null 2>&1 &`,
      `echo started`,
    ].join('\n');
    const env = { ...(opts.env ?? {}), LAB_JOB_CMD: cmd, LAB_JOB_STDIN: opts.stdin ?? '' };
    const st = await this.runRetried(start, { env, timeoutMs: 20_000 }, Math.min(deadline, started + 120_000));
    if (st.code !== 0) throw new Error(`host ${this.name}: could not start job \`${cmd}\`: rc=${st.code} ${st.stderr.trim()}`);
    // Fault injection for testing this path: LAB_INJECT_AGENT_KILL=<regex> kills dom0's agent
    // (SIGKILL; init respawns it) right after a matching job has started.
    const inject = process.env.LAB_INJECT_AGENT_KILL;
    if (inject && new RegExp(inject).test(cmd)) {
      this.lab.log(`host ${this.name}: fault injection: killing the agent while \`${cmd}\` runs`);
      await this.request('sleep 2; kill -KILL $PPID', { timeoutMs: 10_000 }).catch((e) => this.lab.log(`host ${this.name}: agent killed (${(e as Error).message})`));
    }
    let rc: number | null = null;
    let timedOut = false;
    let jobMs: number | undefined; // the command's own run time, measured in dom0
    for (let polls = 0; ; polls++) {
      await sleep(polls < 5 ? 500 : 1_000);
      const p = await this.runRetried(`cat ${dir}/rc 2>/dev/null && cat ${dir}/us 2>/dev/null`, { timeoutMs: 15_000 }, deadline + 60_000);
      const [t, us] = p.stdout.trim().split('\n');
      if (p.code === 0 && /^\d+$/.test(t ?? '')) {
        rc = Number(t);
        if (/^\d+$/.test(us ?? '')) jobMs = Math.round(Number(us) / 1000);
        break;
      }
      if (Date.now() > deadline) {
        timedOut = true;
        await this.runRetried(`p=$(cat ${dir}/pid 2>/dev/null) && kill -KILL -- -"$p" 2>/dev/null; true`, { timeoutMs: 15_000 }, Date.now() + 60_000).catch(() => undefined);
        break;
      }
    }
    const out = await this.runRetried(`cat ${dir}/out 2>/dev/null`, { timeoutMs: 20_000 }, Date.now() + 60_000);
    const err = await this.runRetried(`cat ${dir}/err 2>/dev/null`, { timeoutMs: 20_000 }, Date.now() + 60_000);
    if (!timedOut) await this.runRetried(`rm -rf ${dir}`, { timeoutMs: 15_000 }, Date.now() + 30_000).catch(() => undefined);
    const res: RunResult = { code: rc, signal: timedOut ? 'SIGKILL' : null, stdout: out.stdout, stderr: err.stdout, ms: jobMs ?? Date.now() - started, timedOut };
    this.lab.trace(this.name, `[job ${dir}] ${cmd}`, res);
    return res;
  }

  /** One agent request (POST /run); throws on connection errors. */
  private async request(cmd: string, opts: RunOptions = {}): Promise<RunResult> {
    if (!this.alive) throw new Error(`host ${this.name} is not running (${this.exitInfo || 'not started'})`);
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const body = JSON.stringify({ cmd, timeoutMs, stdin: opts.stdin ?? '', env: opts.env ?? {} });
    const res = await new Promise<RunResult>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: this.agentPort,
          path: '/run',
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          timeout: timeoutMs + 15_000,
        },
        (resp) => {
          const chunks: Buffer[] = [];
          resp.on('data', (c: Buffer) => chunks.push(c));
          resp.on('end', () => {
            try {
              resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as RunResult);
            } catch (e) {
              reject(new Error(`host ${this.name}: bad agent reply: ${String(e)}`));
            }
          });
          resp.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`host ${this.name}: agent did not answer within ${timeoutMs + 15_000} ms: ${cmd}`)));
      req.on('error', reject);
      req.end(body);
    });
    this.sampleRss();
    this.lab.trace(this.name, cmd, res);
    return res;
  }

  /** Runs a command and returns stdout; throws with stderr if the exit code is not 0. */
  async sh(cmd: string, opts: RunOptions = {}): Promise<string> {
    const r = await this.run(cmd, opts);
    if (r.code !== 0) {
      throw new Error(`host ${this.name}: \`${cmd}\` failed (rc=${r.code}${r.timedOut ? ', timed out' : ''}): ${(r.stderr || r.stdout).trim()}`);
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
        throw new Error(`host ${this.name}: timeout ${timeoutMs} ms waiting for ${what}; last rc=${last.code} out=${last.stdout.trim()} err=${last.stderr.trim()}`);
      }
      await sleep(500);
    }
  }
}

export class Lab {
  readonly runDir: string;
  readonly hosts: Record<HostName, Host>;
  readonly manifest: Manifest;
  readonly script: ScriptChoice;
  readonly payload: Buffer;
  readonly payloadSha256: string;
  readonly traceFile: string;
  private replPort = 0;
  private readonly t0 = Date.now();

  private constructor(readonly opts: LabOptions) {
    this.manifest = readManifest();
    this.script = opts.script ?? ((process.env.LAB_SCRIPT as ScriptChoice) || 'debian');
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
    const base = process.env.LAB_RUN_ROOT || '/tmp/xen-drbd-lab';
    fs.mkdirSync(base, { recursive: true });
    this.runDir = fs.mkdtempSync(path.join(base, `run-${stamp}-${process.pid}-`));
    this.traceFile = path.join(this.runDir, 'commands.log');
    this.hosts = {
      A: new Host('A', this, '10.99.0.1', '52:54:00:99:00:0a', '52:54:00:c0:00:0a'),
      B: new Host('B', this, '10.99.0.2', '52:54:00:99:00:0b', '52:54:00:c0:00:0b'),
    };
    // Deterministic guest payload: SHA-256 counter stream, so its checksum is known up front.
    const size = opts.payloadBytes ?? 4 * 1024 * 1024;
    const parts: Buffer[] = [];
    for (let i = 0, n = 0; n < size; i++, n += 32) parts.push(crypto.createHash('sha256').update(`xen-drbd-lab-${i}`).digest());
    this.payload = Buffer.concat(parts).subarray(0, size);
    this.payloadSha256 = crypto.createHash('sha256').update(this.payload).digest('hex');
  }

  log(line: string): void {
    const t = ((Date.now() - this.t0) / 1000).toFixed(1).padStart(6);
    (this.opts.log ?? ((l: string) => process.stdout.write(l + '\n')))(`[lab ${t}s] ${line}`);
  }

  trace(host: HostName, cmd: string, r: RunResult): void {
    const entry = `--- ${new Date().toISOString()} host ${host} rc=${r.code} ${r.ms}ms${r.timedOut ? ' TIMEOUT' : ''}\n$ ${cmd}\n${r.stdout}${r.stderr ? '[stderr]\n' + r.stderr : ''}\n`;
    fs.appendFileSync(this.traceFile, entry);
  }

  /** Builds the overlay for one host and the concatenated initramfs; returns its path. */
  private buildInitrd(host: Host): string {
    const guestDir = path.join(LAB_DIR, 'guest');
    const domuOverlay = buildCpio(
      withParents([
        { path: 'init', mode: 0o755, type: 'file', data: fs.readFileSync(path.join(guestDir, 'domu-init.sh')) },
        { path: 'payload.bin', mode: 0o644, type: 'file', data: this.payload },
      ]),
    );
    const config = [
      `LAB_HOST=${host.name}`,
      `LAB_REPL_IP=${host.replIp}`,
      `LAB_REPL_MAC=${host.replMac}`,
      `LAB_CTL_MAC=${host.ctlMac}`,
      `LAB_AGENT_PORT=7000`,
      `LAB_SCRIPT=${this.script}`,
      '',
    ].join('\n');
    const entries: CpioEntry[] = [
      { path: 'init', mode: 0o755, type: 'file', data: fs.readFileSync(path.join(guestDir, 'dom0-init.sh')) },
      { path: 'lab/config', mode: 0o644, type: 'file', data: config },
      { path: 'lab/agent.js', mode: 0o644, type: 'file', data: fs.readFileSync(path.join(guestDir, 'agent.js')) },
      { path: 'lab/domu/overlay.cpio', mode: 0o644, type: 'file', data: domuOverlay },
      { path: 'lab/payload.sha256', mode: 0o644, type: 'file', data: this.payloadSha256 + '\n' },
    ];
    for (const exe of ['block-drbd', 'xen-drbd', 'DrbdlvmSR']) {
      const f = path.join(DIST_DIR, exe);
      if (fs.existsSync(f)) entries.push({ path: `lab/dist/${exe}`, mode: 0o755, type: 'file', data: fs.readFileSync(f) });
    }
    if (this.script === 'dist') entries.push({ path: 'lab/xen-drbd.deb', mode: 0o644, type: 'file', data: fs.readFileSync(this.debianPackage()) });
    const overlay = buildCpio(withParents(entries));
    const out = path.join(this.runDir, `host${host.name}.initrd.cpio`);
    fs.copyFileSync(this.manifest.LAB_DOM0_CPIO!, out);
    fs.appendFileSync(out, overlay);
    return out;
  }

  private deb?: string;
  /**
   * The .deb each dom0 installs with dpkg in `dist` mode (so every lab run tests the package),
   * built once per run from DIST_DIR by scripts/package.ts.
   */
  private debianPackage(): string {
    if (this.deb) return this.deb;
    if (!fs.existsSync(path.join(DIST_DIR, 'block-drbd'))) throw new Error(`script=dist but ${DIST_DIR}/block-drbd does not exist (run npm run build)`);
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(REPO_ROOT, 'scripts', 'package.ts'), '--dist', DIST_DIR, '--out', this.runDir, '--only', 'deb'], { encoding: 'utf8' });
    const deb = fs.readdirSync(this.runDir).find((f) => /^xen-drbd_.*_all\.deb$/.test(f));
    if (r.status !== 0 || !deb) throw new Error(`building the .deb for the lab failed: ${r.stderr || r.stdout}`);
    this.deb = path.join(this.runDir, deb);
    this.log(`package ${deb} (${fs.statSync(this.deb).size} bytes) built from ${DIST_DIR}`);
    return this.deb;
  }

  private qemuArgs(host: Host, initrd: string): string[] {
    const m = this.manifest;
    const vcpus = this.opts.dom0Vcpus?.[host.name] ?? 1;
    if (!Number.isInteger(vcpus) || vcpus < 1) throw new Error(`dom0Vcpus for host ${host.name}: ${vcpus} is not a positive integer`);
    const repl =
      host.name === 'A'
        ? `socket,id=repl,listen=127.0.0.1:${this.replPort}`
        : `socket,id=repl,connect=127.0.0.1:${this.replPort}`;
    return [
      '-name', `xen-drbd-lab-${host.name}`,
      '-accel', 'tcg',
      '-cpu', qemuCpu(),
      '-smp', String(vcpus),
      '-m', String(this.opts.memMiB?.[host.name] ?? 2048),
      '-nodefaults',
      '-display', 'none',
      '-no-reboot',
      '-kernel', m.LAB_XEN!,
      '-append', `console=com1 com1=115200,8n1 dom0_mem=${this.opts.dom0MemMiB?.[host.name] ?? 1024}M,max:${this.opts.dom0MemMiB?.[host.name] ?? 1024}M dom0_max_vcpus=${vcpus} noreboot`,
      '-initrd', `${m.LAB_VMLINUZ} console=hvc0 earlyprintk=xen,${initrd}`,
      '-serial', `file:${host.serialPath}`,
      '-netdev', repl,
      '-device', `e1000,netdev=repl,mac=${host.replMac}`,
      '-netdev', `user,id=ctl,restrict=on,hostfwd=tcp:127.0.0.1:${host.agentPort}-:7000${this.opts.xapiPort === undefined ? '' : `,guestfwd=tcp:10.0.2.100:80-cmd:socat - TCP:127.0.0.1:${this.opts.xapiPort}`}`,
      '-device', `e1000,netdev=ctl,mac=${host.ctlMac}`,
    ];
  }

  static async start(opts: LabOptions = {}): Promise<Lab> {
    installHandlers();
    const lab = new Lab(opts);
    try {
      await lab.boot();
    } catch (e) {
      await lab.stop();
      throw e;
    }
    return lab;
  }

  private async boot(): Promise<void> {
    const { A, B } = this.hosts;
    this.replPort = await freePort();
    A.agentPort = await freePort();
    B.agentPort = await freePort();
    while (B.agentPort === A.agentPort || B.agentPort === this.replPort) B.agentPort = await freePort();
    this.log(`run dir ${this.runDir}; block-drbd=${this.script}; ports repl=${this.replPort} agentA=${A.agentPort} agentB=${B.agentPort}`);
    const initA = this.buildInitrd(A);
    const initB = this.buildInitrd(B);
    const started = Date.now();
    A.start(this.qemuArgs(A, initA));
    this.log(`host A: qemu pid ${A.pid}`);
    // B connects to A's listening socket; retry while A's qemu is still setting up.
    for (let attempt = 1; ; attempt++) {
      await sleep(attempt === 1 ? 700 : 1000);
      B.start(this.qemuArgs(B, initB));
      await sleep(1500);
      if (B.alive) break;
      if (attempt >= 5) throw new Error(`host B: qemu could not connect to 127.0.0.1:${this.replPort}: ${fs.readFileSync(path.join(this.runDir, 'hostB.qemu.log'), 'utf8')}`);
    }
    this.log(`host B: qemu pid ${B.pid}`);
    const timeout = this.opts.bootTimeoutMs ?? 240_000;
    await Promise.all(
      [A, B].map(async (h) => {
        const m = await h.waitSerial(/LAB-READY [^\r\n]*/, timeout, /LAB-FATAL[^\r\n]*|Kernel panic[^\r\n]*|\(XEN\) Panic[^\r\n]*/);
        for (let i = 0; i < 60 && !(await h.health()); i++) await sleep(500);
        if (!(await h.health())) throw new Error(`host ${h.name}: agent not reachable on 127.0.0.1:${h.agentPort}`);
        h.bootMs = Date.now() - started;
        this.log(`host ${h.name}: ready after ${(h.bootMs / 1000).toFixed(1)} s — ${m[0].trim()}`);
      }),
    );
    for (const h of [initA, initB]) fs.rmSync(h, { force: true });
  }

  /** Kills host A's or B's qemu abruptly (power cut). */
  async powerOff(name: HostName): Promise<void> {
    this.log(`host ${name}: power cut (SIGKILL qemu pid ${this.hosts[name].pid})`);
    await this.hosts[name].kill();
  }

  async stop(): Promise<void> {
    // Keep each dom0's agent log (it records agent crashes; the agent is respawned by init).
    await Promise.all(
      Object.values(this.hosts).map(async (h) => {
        if (!h.alive || !h.agentPort) return;
        try {
          const r = await h.runRetried('cat /var/log/lab/agent.log; echo "== dmesg"; dmesg | tail -n 40', { timeoutMs: 10_000 }, Date.now() + 20_000);
          fs.writeFileSync(path.join(this.runDir, `host${h.name}.agent.log`), r.stdout);
        } catch {
          /* best effort */
        }
      }),
    );
    for (const h of Object.values(this.hosts)) {
      if (h.pid) {
        await h.kill();
      }
    }
    for (const f of fs.readdirSync(this.runDir)) if (f.endsWith('.initrd.cpio')) fs.rmSync(path.join(this.runDir, f), { force: true });
    const peaks = Object.values(this.hosts)
      .map((h) => `${h.name}=${(h.peakRssKb / 1024).toFixed(0)} MiB`)
      .join(' ');
    this.log(`stopped; qemu peak RSS ${peaks}; logs in ${this.runDir}`);
  }
}

/** Host packages needed to run (not build) the lab. */
export function checkHostTools(): void {
  const r = spawnSync('qemu-system-x86_64', ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error('qemu-system-x86_64 not found — run: sudo bash test/lab/build.sh');
}
