// A scratch "dom0" for running the built dist/block-drbd the way libxl does: a test xenstored with
// libxl's backend keys, device nodes for DRBD minors, the DRBD stand-in on PATH, and every host
// path the script touches moved into a temp directory.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { TestSeams } from '../../src/test-seams';
import { seamEnv } from './seams';
import { TestXenstored } from './xenstored';

export const REPO = resolve(__dirname, '..', '..');
export const BLOCK_DRBD = join(REPO, 'dist', 'block-drbd');
export const XEN_DRBD = join(REPO, 'dist', 'xen-drbd');
export const LIBVIRT_HOOK = join(REPO, 'dist', 'libvirt-hook');
const SIM_BIN = join(__dirname, 'bin');
/** The stand-in's drbdsetup-84 as block-drbd runs it (messages name a command by its full path). */
export const DRBDSETUP84 = join(SIM_BIN, 'drbdsetup-84');

export interface SimResource {
  minors: number[];
  role: 'Primary' | 'Secondary';
  peerRole: 'Primary' | 'Secondary' | 'Unknown';
  cs: string;
  disks: string[];
  peerDisks: string[];
  twoPrimaries?: boolean;
  heldOpen?: number;
  primaryDelayMs?: number;
  /** `primary` blocks as in a hung fence-peer handler (see drbd-sim.cjs hang()). */
  hangOnPrimary?: boolean;
  /** `primary` fails with this on stderr (exit 11). */
  primaryError?: string;
  /** A fence-peer handler in the config (with `fencing resource-only`). */
  fencePeer?: string;
  /** primary/secondary exit 0 and change nothing (a role change DRBD accepted but did not apply). */
  ignoresRoleChange?: boolean;
  /** net-options exits 0 and changes nothing. */
  ignoresNetOptions?: boolean;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export const PEER = 'bravo';

/** Connected, both Secondary, both UpToDate: the resource every start should find. */
export const HEALTHY: SimResource = {
  minors: [0],
  role: 'Secondary',
  peerRole: 'Secondary',
  cs: 'Connected',
  disks: ['UpToDate'],
  peerDisks: ['UpToDate'],
};

export const TWO_VOLUMES: SimResource = {
  ...HEALTHY,
  minors: [10, 11],
  disks: ['UpToDate', 'UpToDate'],
  peerDisks: ['UpToDate', 'UpToDate'],
};

export interface HostOptions {
  /**
   * Whether drbdsetup-84 is installed (true: block-drbd addresses a resource that is up with it
   * directly, as on a Debian dom0; false: drbdadm does everything, as where only drbd-utils 9's
   * wrapper tools are installed).
   */
  readonly drbdsetup84?: boolean;
  /**
   * Holds each block-drbd process this long before its bundle runs (a preload through
   * NODE_OPTIONS), as a dom0 short of CPU delays Node's start: the run's budget counts it.
   */
  readonly slowStartMs?: number;
}

const SLOW_START = join(__dirname, 'slow-start.cjs');

/** A host started with these resources (r0 healthy by default); the caller stops it. */
export async function startedHost(resources: Record<string, SimResource> = { r0: HEALTHY }): Promise<HotplugHost> {
  const host = new HotplugHost();
  await host.start(resources);
  return host;
}

export class HotplugHost {
  readonly dir = mkdtempSync(join(tmpdir(), 'block-drbd-'));
  /** See HostOptions.slowStartMs; a test may change it between runs. */
  slowStartMs: number | undefined;

  constructor(private readonly options: HostOptions = {}) {
    this.slowStartMs = options.slowStartMs;
  }
  readonly xenstored = new TestXenstored(join(this.dir, 'xenstored.sock'));
  readonly statePath = join(this.dir, 'drbd-state.json');
  /** Absent unless a test writes it: block-drbd then runs on the defaults. */
  readonly policyPath = join(this.dir, 'xen-drbd.json');

  async start(resources: Record<string, SimResource>): Promise<void> {
    mkdirSync(join(this.dir, 'dev'));
    const sim: Record<string, unknown> = {};
    for (const [name, r] of Object.entries(resources)) {
      const devices = r.minors.map((m) => {
        const path = join(this.dir, 'dev', `drbd${m}`);
        if (!existsSync(path)) execFileSync('mknod', [path, 'b', '147', String(m)]);
        return path;
      });
      const dump = `resource ${name} {\n    on ${hostname()} {\n        address ipv4 10.0.0.1:7789;\n    }\n    on ${PEER} {\n        address ipv4 10.0.0.2:7789;\n    }\n    net {\n        protocol C;\n${r.twoPrimaries ? '        allow-two-primaries yes;\n' : ''}    }\n${r.fencePeer === undefined ? '' : fencing(r.fencePeer)}}\n`;
      sim[name] = { heldOpen: 0, twoPrimaries: false, ...r, devices, dump };
    }
    writeFileSync(this.statePath, JSON.stringify({ procDrbd: join(this.dir, 'proc-drbd'), resources: sim }));
    // Let the stand-in render /proc/drbd once, through a harmless command.
    await this.drbdadm(['dump', Object.keys(resources)[0] as string]);
    await this.xenstored.start();
  }

  async stop(): Promise<void> {
    await this.xenstored.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Backend and frontend keys as libxl writes them before it runs the script. */
  addBackend(domid: number, devid: number, params: string, opts: { mode?: string; name?: string; vm?: string } = {}): string {
    const be = `backend/vbd/${domid}/${devid}`;
    const xs = this.xenstored;
    xs.set(`${be}/params`, params);
    xs.set(`${be}/mode`, opts.mode ?? 'w');
    xs.set(`${be}/frontend-id`, String(domid));
    xs.set(`${be}/type`, 'phy');
    xs.set(`${be}/script`, '/etc/xen/scripts/block-drbd');
    xs.set(`${be}/online`, '1');
    xs.set(`${be}/state`, '1');
    xs.set(`${be}/dev`, 'xvda');
    xs.set(`/local/domain/${domid}/name`, opts.name ?? `vm${domid}`);
    xs.set(`/local/domain/${domid}/vm`, opts.vm ?? `/vm/00000000-0000-0000-0000-00000000000${domid}`);
    return be;
  }

  env(backendPath: string | undefined): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      XENSTORED_PATH: this.xenstored.socketPath,
      DRBD_SIM_STATE: this.statePath,
      ...seamEnv({
        pathPrefix: SIM_BIN,
        drbdsetup84: this.options.drbdsetup84 === false ? join(this.dir, 'drbdsetup-84') : DRBDSETUP84,
        devDir: join(this.dir, 'dev'),
        procDrbd: join(this.dir, 'proc-drbd'),
        hotplugLockDir: join(this.dir, 'xen-hotplug'),
        hotplugLog: join(this.dir, 'log', 'xen-hotplug.log'),
        ledgerDir: join(this.dir, 'promoted'),
        policy: this.policyPath,
      }),
      XENBUS_TYPE: 'vbd',
      XENBUS_BASE_PATH: 'backend',
    };
    if (backendPath !== undefined) env.XENBUS_PATH = backendPath;
    if (this.slowStartMs !== undefined) {
      env.NODE_OPTIONS = `--require ${SLOW_START}`;
      env.SLOW_START_MS = String(this.slowStartMs);
    }
    return env;
  }

  /** Runs dist/block-drbd as libxl does: argv[1] the action, stdin /dev/null. */
  run(action: string, backendPath: string | undefined, onSpawn?: (pid: number) => void): Promise<RunResult> {
    return runProcess(BLOCK_DRBD, [action], this.env(backendPath), onSpawn);
  }

  /**
   * dist/libvirt-hook as libvirtd runs it: from /etc/libvirt/hooks/DRIVER.d/ (here a symlink in the
   * scratch directory, whose name tells the driver), `DOMAIN OPERATION SUB-OPERATION -`, the domain
   * XML on stdin, libvirtd's environment (no XENBUS_*).
   */
  hook(driver: 'libxl' | 'qemu', args: string[], xml: string): Promise<RunResult> {
    const link = join(this.dir, 'hooks', `${driver}.d`, 'xen-drbd');
    if (!existsSync(link)) {
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(LIBVIRT_HOOK, link);
    }
    const env = { ...this.env(undefined), ...seamEnv({ hookLog: join(this.dir, 'log', 'xen-drbd-hook.log') }) };
    delete env.XENBUS_TYPE;
    delete env.XENBUS_BASE_PATH;
    return runProcess(link, args, env, undefined, xml);
  }

  hookLog(): string {
    const p = join(this.dir, 'log', 'xen-drbd-hook.log');
    return existsSync(p) ? readFileSync(p, 'utf8') : '';
  }

  /** The admin CLI on this host. */
  xenDrbd(args: string[], seams: TestSeams = {}): Promise<RunResult> {
    return runProcess(XEN_DRBD, args, { ...this.env(undefined), ...seamEnv(seams) });
  }

  /** What libxl does to take a disk away: online=0, wait for Closed, run remove, delete the dir. */
  async libxlRemove(backendPath: string): Promise<RunResult> {
    this.xenstored.set(`${backendPath}/online`, '0');
    this.xenstored.set(`${backendPath}/state`, '6');
    const result = await this.run('remove', backendPath);
    for (const k of [...this.xenstored.tree.keys()]) {
      if (k.startsWith(TestXenstored.absolute(backendPath))) this.xenstored.tree.delete(k);
    }
    return result;
  }

  drbdadm(args: string[]): Promise<RunResult> {
    return runProcess(join(SIM_BIN, 'drbdadm'), args, { PATH: process.env.PATH, DRBD_SIM_STATE: this.statePath });
  }

  resource(name: string): SimResource {
    return JSON.parse(readFileSync(this.statePath, 'utf8')).resources[name];
  }

  setResource(name: string, change: Partial<SimResource>): void {
    const state = JSON.parse(readFileSync(this.statePath, 'utf8'));
    Object.assign(state.resources[name], change);
    writeFileSync(`${this.statePath}.test`, JSON.stringify(state));
    renameSync(`${this.statePath}.test`, this.statePath);
  }

  /** drbdadm and drbdsetup-84 command lines the script ran, in order (dump only names the peer). */
  drbdCalls(): string[] {
    return readLines(`${this.statePath}.calls`).filter((l) => /^(drbdadm|drbdsetup-84) /.test(l) && !l.startsWith('drbdadm dump'));
  }

  /** The promotions and demotions among them, whichever tool ran them. */
  roleChanges(): string[] {
    return this.drbdCalls().filter((c) => /^\S+ (primary|secondary) /.test(c));
  }

  syslog(): string[] {
    return readLines(`${this.statePath}.syslog`);
  }

  hotplugLog(): string {
    return existsSync(join(this.dir, 'log', 'xen-hotplug.log')) ? readFileSync(join(this.dir, 'log', 'xen-hotplug.log'), 'utf8') : '';
  }

  ledger(name: string): unknown {
    const p = join(this.dir, 'promoted', `${name}.json`);
    return existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')) : undefined;
  }
}

/** The disk and handlers sections as `drbdadm dump` prints them for 8.4. */
function fencing(handler: string): string {
  return `    disk {\n        fencing          resource-only;\n    }\n    handlers {\n        fence-peer       ${handler};\n    }\n`;
}

/** Pids of the stand-in's hung grandchildren (see drbd-sim.cjs hang()). */
export function hungPids(statePath: string): number[] {
  return readLines(`${statePath}.hung`).map(Number);
}

/** Whether the process is dead (gone, or a zombie waiting to be reaped); polls a little, as a hang guard. */
export async function processGone(pid: number): Promise<boolean> {
  const dead = () => {
    try {
      return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return true;
    }
  };
  for (let i = 0; i < 100 && !dead(); i++) await new Promise((r) => setTimeout(r, 50));
  return dead();
}

function readLines(path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
}

export function runProcess(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onSpawn?: (pid: number) => void,
  input?: string,
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('spawn', () => onSpawn?.(child.pid as number));
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
}
