// The Xen + DRBD lab under qemu (TCG): boots it, hands scenarios a Host per machine, stops it.
//
// Each host (hosts.ts: Xen hosts A and B, and plain Linux C when a scenario asks for it) is one qemu
// process (qemu.ts): Xen 4.17 (multiboot) + a Debian dom0, or the same kernel alone, whose initramfs
// is the cached base cpio (test/lab/build.sh) followed by a per-run overlay (initrd.ts). Two NICs:
//   - replication: e1000 on one multicast `-netdev socket` all hosts join (127.0.0.1 only, hosts.ts);
//   - control: e1000 on `-netdev user,restrict=on` with one hostfwd bound to 127.0.0.1, used by
//     the runner to reach the agent (agent.ts, test/lab/guest/agent.js) that runs commands in dom0.
// A lab can also be handed from one scenario file to the next (shared-lab.ts): `handle()` says
// what another process needs to reach it, `Lab.attach` takes it over.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AgentClient, type AgentIo, type RunResult } from './agent';
import { DEFAULT_HOSTS, hostSpecs, newReplNet, type HostName, type HostSpec } from './hosts';
import { buildDebianPackage, guestPayload, overlayCpio, writeInitrd, type DrbdVersion, type ScriptChoice } from './initrd';
import {
  CAPTURE_FILES,
  INSTALL_CACHE_ROOT,
  installCacheDir,
  installCacheEntries,
  storeInstallCache,
  type CaptureFile,
} from './install-cache';
import { forgetPid, freePort, killPid, pidAlive, qemuArgs, startQemu } from './qemu';

export { LONG_RUNNING, isConnectionError, type RunOptions, type RunResult } from './agent';
export { LAB_CPU, qemuCpu } from './qemu';
export type { DrbdVersion, ScriptChoice } from './initrd';
export type { HostName, HostSpec } from './hosts';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const LAB_DIR = path.join(REPO_ROOT, 'test', 'lab');
export const CACHE_DIR = process.env.XEN_DRBD_LAB_CACHE || '/var/cache/xen-drbd-lab';
/** The built executables copied into each dom0; LAB_DIST_DIR pins a copy while dist/ is rebuilt. */
export const DIST_DIR = process.env.LAB_DIST_DIR || path.join(REPO_ROOT, 'dist');

export interface LabOptions {
  /** The lab's machines (default A and B; hosts.ts). */
  hosts?: readonly HostName[];
  /** Which /etc/xen/scripts/block-drbd each dom0 runs (default: env LAB_SCRIPT or 'debian'). */
  script?: ScriptChoice;
  /** The DRBD module each dom0 loads (default 8.4, the kernel's; 9 needs build.sh's drbd9.cpio). */
  drbd?: DrbdVersion;
  /**
   * libvirtd with its Xen (libxl) driver, and virsh, in each dom0 (build.sh's libvirt.cpio appended
   * to the initramfs; default false). Installed, not started: lib/libvirt.ts starts the daemon once
   * a scenario has put its hooks in place (libvirtd reads /etc/libvirt/hooks at its start only).
   */
  libvirt?: boolean;
  /** Boot timeout per host (default 240 s). */
  bootTimeoutMs?: number;
  /** Hard ceiling for each qemu's lifetime, enforced by the watchdog (default 3600 s). */
  maxLifetimeS?: number;
  /** Progress output (default: stdout). */
  log?: (line: string) => void;
  /** Size of the deterministic guest payload in bytes (default 4 MiB). */
  payloadBytes?: number;
  /**
   * A TCP port on the runner's 127.0.0.1 (the XenAPI simulator) that each dom0 reaches at
   * 10.0.2.100:80: qemu's guestfwd runs `socat` per connection, which restrict=on allows.
   */
  xapiPort?: number;
  /**
   * qemu's RAM per host in MiB (default 2048 for a Xen host: dom0 keeps dom0MemMiB of it, the rest is
   * Xen's for guests; 1024 for a plain host, what a Xen host's dom0 has).
   */
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

/** What another process needs to take a running lab over (Lab.attach). */
export interface LabHandle {
  readonly runDir: string;
  readonly script: ScriptChoice;
  readonly drbd: DrbdVersion;
  readonly libvirt: boolean;
  readonly payloadBytes: number;
  readonly xapiPort?: number;
  readonly hosts: Readonly<Partial<Record<HostName, { readonly pid: number; readonly agentPort: number; readonly bootMs: number }>>>;
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One dom0: its qemu process and the agent client that runs commands in it. */
export class Host extends AgentClient<HostName> {
  pid = 0;
  readonly serialPath: string;
  bootMs = 0;
  peakRssKb = 0;
  private exitInfo = '';

  constructor(
    readonly spec: HostSpec,
    readonly lab: Lab,
  ) {
    super(spec.name, lab);
    this.serialPath = path.join(lab.runDir, `host${spec.name}.serial`);
  }

  get replIp(): string {
    return this.spec.replIp;
  }
  get hostname(): string {
    return `host${this.name.toLowerCase()}`;
  }

  get alive(): boolean {
    return this.pid !== 0 && this.exitInfo === '' && pidAlive(this.pid);
  }
  protected downReason(): string {
    return this.exitInfo || (this.pid ? `qemu pid ${this.pid} is gone` : 'not started');
  }
  protected override afterRequest(): void {
    this.sampleRss();
  }

  /** Starts qemu for this host. */
  start(qemu: string[]): void {
    const p = startQemu(qemu, path.join(this.lab.runDir, `host${this.name}.qemu.log`), process.pid, this.lab.opts.maxLifetimeS ?? 3600);
    this.pid = p.pid;
    this.exitInfo = '';
    p.onExit((info) => (this.exitInfo = info));
  }

  /** Takes over a qemu another scenario file started (a shared lab). */
  adopt(pid: number, agentPort: number, bootMs: number): void {
    this.pid = pid;
    this.agentPort = agentPort;
    this.bootMs = bootMs;
  }

  sampleRss(): void {
    if (!this.alive) return;
    try {
      const m = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      if (m) this.peakRssKb = Math.max(this.peakRssKb, Number(m[1]));
    } catch {
      /* gone */
    }
  }

  /** Kills qemu by PID (SIGKILL) and waits for it to be gone. */
  async kill(): Promise<void> {
    this.sampleRss();
    if (!this.pid) return;
    killPid(this.pid);
    for (let i = 0; i < 50 && pidAlive(this.pid); i++) await sleep(100);
    forgetPid(this.pid);
    this.exitInfo ||= 'qemu killed';
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
      if (!this.alive) throw new Error(`host ${this.name}: ${this.downReason()} while waiting for ${re} (serial: ${this.serialPath})`);
      if (Date.now() > end)
        throw new Error(`host ${this.name}: timeout ${timeoutMs} ms waiting for ${re} on the console (serial: ${this.serialPath})`);
      await sleep(250);
    }
  }
}

/** A lab's hosts by name: A and B always, C when the lab has it. */
export type LabHosts = Readonly<Record<'A' | 'B', Host>> & Readonly<Partial<Record<HostName, Host>>>;

export class Lab implements AgentIo {
  readonly hosts: LabHosts;
  readonly manifest: Manifest;
  readonly script: ScriptChoice;
  readonly drbd: DrbdVersion;
  readonly libvirt: boolean;
  readonly payload: Buffer;
  readonly payloadSha256: string;
  /** Every command run in a dom0, with its output; one file per scenario on a shared lab. */
  traceFile: string;
  xapiPort?: number;
  private readonly t0 = Date.now();

  private constructor(
    readonly opts: LabOptions,
    readonly runDir: string,
  ) {
    this.manifest = readManifest();
    this.script = opts.script ?? ((process.env.LAB_SCRIPT as ScriptChoice) || 'debian');
    this.drbd = opts.drbd ?? 8.4;
    this.libvirt = opts.libvirt ?? false;
    this.traceFile = path.join(runDir, 'commands.log');
    this.xapiPort = opts.xapiPort;
    const hosts = hostSpecs(opts.hosts ?? DEFAULT_HOSTS).map((s) => new Host(s, this));
    this.hosts = Object.fromEntries(hosts.map((h) => [h.name, h])) as unknown as LabHosts;
    const p = guestPayload(opts.payloadBytes ?? 4 * 1024 * 1024);
    this.payload = p.data;
    this.payloadSha256 = p.sha256;
  }

  private static newRunDir(): string {
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
    const base = process.env.LAB_RUN_ROOT || '/tmp/xen-drbd-lab';
    fs.mkdirSync(base, { recursive: true });
    return fs.mkdtempSync(path.join(base, `run-${stamp}-${process.pid}-`));
  }

  log(line: string): void {
    const t = ((Date.now() - this.t0) / 1000).toFixed(1).padStart(6);
    (this.opts.log ?? ((l: string) => process.stdout.write(l + '\n')))(`[lab ${t}s] ${line}`);
  }

  trace(host: string, cmd: string, r: RunResult): void {
    this.note(
      `--- ${new Date().toISOString()} host ${host} rc=${r.code} ${r.ms}ms${r.timedOut ? ' TIMEOUT' : ''}\n$ ${cmd}\n${r.stdout}${r.stderr ? '[stderr]\n' + r.stderr : ''}\n`,
    );
  }

  note(text: string): void {
    fs.appendFileSync(this.traceFile, text);
  }

  static async start(opts: LabOptions = {}): Promise<Lab> {
    const lab = new Lab(opts, Lab.newRunDir());
    try {
      await lab.boot();
    } catch (e) {
      await lab.stop();
      throw e;
    }
    return lab;
  }

  /** A lab another scenario file booted, taken over as it runs; its run dir is shared. */
  static attach(
    handle: LabHandle,
    opts: Omit<LabOptions, 'hosts' | 'script' | 'drbd' | 'libvirt' | 'payloadBytes' | 'xapiPort'> = {},
  ): Lab {
    const hosts = Object.keys(handle.hosts) as HostName[];
    const lab = new Lab(
      {
        ...opts,
        hosts,
        script: handle.script,
        drbd: handle.drbd,
        libvirt: handle.libvirt,
        payloadBytes: handle.payloadBytes,
        xapiPort: handle.xapiPort,
      },
      handle.runDir,
    );
    for (const h of Object.values(lab.hosts)) {
      const it = handle.hosts[h.name]!;
      h.adopt(it.pid, it.agentPort, it.bootMs);
    }
    return lab;
  }

  handle(): LabHandle {
    const hosts = Object.fromEntries(
      Object.values(this.hosts).map((h) => [h.name, { pid: h.pid, agentPort: h.agentPort, bootMs: h.bootMs }]),
    );
    return {
      runDir: this.runDir,
      script: this.script,
      drbd: this.drbd,
      libvirt: this.libvirt,
      payloadBytes: this.payload.length,
      xapiPort: this.xapiPort,
      hosts: hosts as LabHandle['hosts'],
    };
  }

  private async boot(): Promise<void> {
    const hosts = Object.values(this.hosts);
    const repl = newReplNet();
    const ports = new Set<number>();
    for (const h of hosts) {
      do h.agentPort = await freePort();
      while (ports.has(h.agentPort));
      ports.add(h.agentPort);
    }
    const drbd9Cpio = this.manifest.LAB_DRBD9_CPIO;
    if (this.drbd === 9 && !drbd9Cpio)
      throw new Error(
        'a DRBD 9 lab needs the DRBD 9 modules: run test/lab/build.sh with LAB_DRBD9_TARBALL=<drbd-9.2.18.tar.gz> (test/lab/README.md)',
      );
    const libvirtCpio = this.manifest.LAB_LIBVIRT_CPIO;
    if (this.libvirt && !(libvirtCpio && fs.existsSync(libvirtCpio)))
      throw new Error("a libvirt lab needs build.sh's libvirt.cpio (LAB_LIBVIRT_CPIO in manifest.env): run test/lab/build.sh again");
    const extraCpios = [...(this.drbd === 9 ? [drbd9Cpio!] : []), ...(this.libvirt ? [libvirtCpio!] : [])];
    this.log(
      `run dir ${this.runDir}; block-drbd=${this.script}; DRBD ${this.drbd === 9 ? this.manifest.LAB_DRBD9_VERSION : '8.4'}${this.libvirt ? `; libvirt ${this.manifest.LAB_LIBVIRT_VERSION}` : ''}; replication ${repl.group}:${repl.port}; agent ports ${hosts.map((h) => `${h.name}=${h.agentPort}`).join(' ')}`,
    );
    const deb = this.script === 'dist' ? buildDebianPackage(REPO_ROOT, DIST_DIR, this.runDir) : undefined;
    if (deb) this.log(`package ${path.basename(deb)} (${fs.statSync(deb).size} bytes) built from ${DIST_DIR}`);
    const libvirtDeb = deb && this.libvirt ? buildDebianPackage(REPO_ROOT, DIST_DIR, this.runDir, 'deb-libvirt') : undefined;
    if (libvirtDeb) this.log(`package ${path.basename(libvirtDeb)} (${fs.statSync(libvirtDeb).size} bytes) built`);
    const cacheDir =
      deb && INSTALL_CACHE_ROOT
        ? installCacheDir(
            INSTALL_CACHE_ROOT,
            [deb, ...(libvirtDeb ? [libvirtDeb] : [])],
            [this.manifest.LAB_DOM0_CPIO!, ...(this.libvirt ? [libvirtCpio!] : [])],
          )
        : undefined;
    const installCache = cacheDir ? installCacheEntries(cacheDir) : [];
    // Without a cache entry the first Xen host captures what its dpkg -i changes; every host installs.
    const capturer = cacheDir && installCache.length === 0 ? hosts.find((h) => h.spec.kind === 'xen') : undefined;
    if (cacheDir)
      this.log(
        installCache.length ? `installed state from ${cacheDir}` : `dpkg -i at boot; host ${capturer?.name} captures it to ${cacheDir}`,
      );
    const qemu = (h: Host): string[] => {
      const initrd = writeInitrd(
        this.manifest.LAB_DOM0_CPIO!,
        overlayCpio({
          labDir: LAB_DIR,
          distDir: DIST_DIR,
          host: h.spec,
          script: this.script,
          drbd: this.drbd,
          payload: this.payload,
          payloadSha256: this.payloadSha256,
          deb,
          libvirtDeb,
          installCache,
          captureInstall: h === capturer,
        }),
        path.join(this.runDir, `host${h.name}.initrd.cpio`),
        extraCpios,
      );
      return qemuArgs({
        name: h.name,
        kind: h.spec.kind,
        xen: this.manifest.LAB_XEN!,
        vmlinuz: this.manifest.LAB_VMLINUZ!,
        initrd,
        serialPath: h.serialPath,
        vcpus: this.opts.dom0Vcpus?.[h.name] ?? 1,
        memMiB: this.opts.memMiB?.[h.name] ?? (h.spec.kind === 'xen' ? 2048 : 1024),
        dom0MemMiB: this.opts.dom0MemMiB?.[h.name] ?? 1024,
        replMac: h.spec.replMac,
        ctlMac: h.spec.ctlMac,
        nic: process.env.LAB_NIC || 'e1000',
        repl,
        agentPort: h.agentPort,
        xapiPort: this.xapiPort,
      });
    };
    const args = hosts.map(qemu);
    const started = Date.now();
    hosts.forEach((h, i) => {
      h.start(args[i]!);
      this.log(`host ${h.name}: qemu pid ${h.pid}`);
    });
    const timeout = this.opts.bootTimeoutMs ?? 240_000;
    await Promise.all(
      hosts.map(async (h) => {
        const m = await h.waitSerial(/LAB-READY [^\r\n]*/, timeout, /LAB-FATAL[^\r\n]*|Kernel panic[^\r\n]*|\(XEN\) Panic[^\r\n]*/);
        for (let i = 0; i < 60 && !(await h.health()); i++) await sleep(500);
        if (!(await h.health())) throw new Error(`host ${h.name}: agent not reachable on 127.0.0.1:${h.agentPort}`);
        h.bootMs = Date.now() - started;
        this.log(`host ${h.name}: ready after ${(h.bootMs / 1000).toFixed(1)} s — ${m[0].trim()}`);
      }),
    );
    for (const f of fs.readdirSync(this.runDir)) if (f.endsWith('.initrd.cpio')) fs.rmSync(path.join(this.runDir, f), { force: true });
    if (capturer && cacheDir) await this.takeInstallCapture(capturer, cacheDir);
  }

  /** Keeps what `capturer`'s dpkg -i changed for the next boots (install-cache.ts); a failure only costs them the install. */
  private async takeInstallCapture(capturer: Host, cacheDir: string): Promise<void> {
    try {
      const files = {} as Record<CaptureFile, Buffer>;
      for (const f of CAPTURE_FILES) {
        const r = await capturer.run(`base64 -w0 /run/lab-install/${f}`, { timeoutMs: 120_000 });
        if (r.code !== 0) throw new Error(`base64 /run/lab-install/${f}: rc=${r.code} ${r.stderr.trim()}`);
        files[f] = Buffer.from(r.stdout, 'base64');
      }
      storeInstallCache(cacheDir, files);
      await capturer.run('rm -rf /run/lab-install');
      this.log(`host ${capturer.name}: installed state captured (${files['files.tar'].length} bytes of files) to ${cacheDir}`);
    } catch (e) {
      this.log(`host ${capturer.name}: no install capture (${(e as Error).message}); the next boots run dpkg -i`);
    }
  }

  /** Kills a host's qemu abruptly (power cut). */
  async powerOff(name: HostName): Promise<void> {
    const h = this.hosts[name];
    if (!h) throw new Error(`this lab has no host ${name}`);
    this.log(`host ${name}: power cut (SIGKILL qemu pid ${h.pid})`);
    await h.kill();
  }

  async stop(): Promise<void> {
    // Keep each dom0's agent log (it records agent crashes; the agent is respawned by init).
    await Promise.all(
      Object.values(this.hosts).map(async (h) => {
        if (!h.alive || !h.agentPort) return;
        try {
          const r = await h.runRetried(
            'cat /var/log/lab/agent.log; echo "== dmesg"; dmesg | tail -n 40',
            { timeoutMs: 10_000 },
            Date.now() + 20_000,
          );
          fs.writeFileSync(path.join(this.runDir, `host${h.name}.agent.log`), r.stdout);
        } catch {
          /* best effort */
        }
      }),
    );
    for (const h of Object.values(this.hosts)) await h.kill();
    for (const f of fs.readdirSync(this.runDir)) if (f.endsWith('.initrd.cpio')) fs.rmSync(path.join(this.runDir, f), { force: true });
    const peaks = Object.values(this.hosts)
      .map((h) => `${h.name}=${(h.peakRssKb / 1024).toFixed(0)} MiB`)
      .join(' ');
    this.log(`stopped; qemu peak RSS ${peaks}; logs in ${this.runDir}`);
  }
}
