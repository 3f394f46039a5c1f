// A two-host pool for the built dist/DrbdlvmSR, without xapi or the lab: the XenAPI simulator holds
// the pool's database, each host has its own DRBD stand-in (test/support/bin/drbd-sim.cjs, 8.4,
// resource r0 with allow-two-primaries) and device node, both share one LVM stand-in disk
// (test/support/bin-lvm/lvm-sim.cjs: the DRBD device is one disk seen from two hosts). The driver
// runs as xapi runs it (methodCall in argv[1], xapi's PATH and ORIGINATOR, no stdin), and the
// methods below replay xapi's call orders (research §2.5, §3.1-3.3, §2.6): they are the sequencer.
// After every call the sequencer plays the replication link: each host's peerRole follows the other.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { decodeMethodResponse, type MethodResponse } from '../../src/xapi-sr/xmlrpc-decode';
import { encodeMethodCall } from '../../src/xapi-sr/xmlrpc-encode';
import type { XmlRpcValue } from '../../src/xapi-sr/xmlrpc-value';
import { REPO_ROOT } from './run-built';
import { NULL_REF, emptyDb, startXapiSim, type XapiSim } from './xapi-sim';

const BIN = join(REPO_ROOT, 'dist', 'DrbdlvmSR');
const DRBD_BIN = join(__dirname, 'bin');
const LVM_BIN = join(__dirname, 'bin-lvm');
const NODE_DIR = dirname(process.execPath);
const XAPI_PATH = '/sbin:/usr/sbin:/bin:/usr/bin';

export type HostName = 'A' | 'B';
export const SR_UUID = '3b2f4c1e-7a55-8c1d-0e7f-2a9b6c4d8e11';
export const SR_REF = 'OpaqueRef:sr-drbdlvm';
export const HOST_REF: Record<HostName, string> = { A: 'OpaqueRef:host-alpha', B: 'OpaqueRef:host-bravo' };
const MASTER: HostName = 'A';
const DISK_BYTES = 1024 * 1024 * 1024;

export interface DrbdSimResource {
  minors: number[];
  devices: string[];
  role: 'Primary' | 'Secondary';
  peerRole: 'Primary' | 'Secondary' | 'Unknown';
  cs: string;
  disks: string[];
  peerDisks: string[];
  twoPrimaries: boolean;
  heldOpen: number;
  dump: string;
}

export interface Step {
  readonly host: HostName;
  readonly command: string;
  readonly response: MethodResponse;
}

export interface Vdi {
  readonly ref: string;
  readonly uuid: string;
}

export class SrPool {
  readonly steps: Step[] = [];
  /** Driver processes running: the link is synced when none is (a sync rewrites their state files). */
  private running = 0;
  private constructor(
    readonly dir: string,
    readonly sim: XapiSim,
    private readonly lvmState: string,
  ) {}

  static async start(): Promise<SrPool> {
    const dir = mkdtempSync(join(tmpdir(), 'sr-pool-'));
    const db = emptyDb();
    db.host[HOST_REF.A] = { uuid: 'aaaaaaaa-0000-4000-8000-000000000001', name_label: 'alpha' };
    db.host[HOST_REF.B] = { uuid: 'bbbbbbbb-0000-4000-8000-000000000002', name_label: 'bravo' };
    db.SR[SR_REF] = { uuid: SR_UUID, sm_config: {}, physical_size: '0', physical_utilisation: '0', virtual_allocation: '0' };
    const sim = await startXapiSim(db);
    const lvmState = join(dir, 'lvm.json');
    const devices: Record<string, string> = {};
    for (const h of ['A', 'B'] as const) {
      mkdirSync(join(dir, h, 'dev'), { recursive: true });
      const dev = join(dir, h, 'dev', 'drbd0');
      execFileSync('mknod', [dev, 'b', '147', '0']);
      devices[h] = dev;
      const r: DrbdSimResource = {
        minors: [0], devices: [dev], role: 'Secondary', peerRole: 'Secondary', cs: 'Connected',
        disks: ['UpToDate'], peerDisks: ['UpToDate'], twoPrimaries: true, heldOpen: 0,
        dump: `resource r0 {\n    net {\n        allow-two-primaries yes;\n    }\n}\n`,
      };
      writeFileSync(join(dir, h, 'drbd.json'), JSON.stringify({ procDrbd: join(dir, h, 'proc-drbd'), resources: { r0: r } }));
    }
    writeFileSync(lvmState, JSON.stringify({ disks: { drbd0: { device: devices, size: DISK_BYTES, pv: null, vg: null } }, active: {} }));
    return new SrPool(dir, sim, lvmState);
  }

  async stop(): Promise<void> {
    await this.sim.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  // --- what the test can see and change ------------------------------------------------------

  drbd(h: HostName): DrbdSimResource | undefined {
    return (JSON.parse(readFileSync(join(this.dir, h, 'drbd.json'), 'utf8')) as { resources: { r0?: DrbdSimResource } }).resources.r0;
  }

  setDrbd(h: HostName, patch: Partial<DrbdSimResource>): void {
    const file = join(this.dir, h, 'drbd.json');
    const s = JSON.parse(readFileSync(file, 'utf8'));
    Object.assign(s.resources.r0, patch);
    writeAtomically(file, JSON.stringify(s));
  }

  lvm(): { disks: Record<string, { vg: { name: string; lvs: Record<string, { size: number }> } | null }>; active: Record<string, string[]> } {
    return JSON.parse(readFileSync(this.lvmState, 'utf8'));
  }

  lvmCalls(): string[] {
    try {
      return readFileSync(`${this.lvmState}.calls`, 'utf8').trim().split('\n');
    } catch {
      return [];
    }
  }

  syslog(h: HostName): string {
    try {
      return readFileSync(join(this.dir, h, 'drbd.json.syslog'), 'utf8');
    } catch {
      return '';
    }
  }

  vdiSmConfig(v: Vdi): Record<string, string> {
    return { ...(this.sim.db.VDI[v.ref]?.sm_config ?? {}) };
  }

  srSmConfig(): Record<string, string> {
    return { ...(this.sim.db.SR[SR_REF]?.sm_config ?? {}) };
  }

  /** Host h without the resource: what a third pool host looks like to the driver. */
  removeResource(h: HostName): void {
    const file = join(this.dir, h, 'drbd.json');
    writeAtomically(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), resources: {} }));
  }

  /** The replication link: each side's view of the peer's role follows the other side. */
  private syncPeers(): void {
    const a = this.drbd('A');
    const b = this.drbd('B');
    if (a === undefined || b === undefined) return;
    const linked = (r: DrbdSimResource) => r.cs !== 'StandAlone' && r.cs !== 'WFConnection';
    this.setDrbd('A', { peerRole: linked(a) ? b.role : 'Unknown' });
    this.setDrbd('B', { peerRole: linked(b) ? a.role : 'Unknown' });
  }

  // --- one driver call, as xapi makes it -------------------------------------------------------

  env(h: HostName, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      PATH: NODE_DIR === '/usr/bin' ? XAPI_PATH : `${NODE_DIR}:${XAPI_PATH}`,
      ORIGINATOR: 'SM',
      XEN_DRBD_PATH_PREFIX: `${DRBD_BIN}:${LVM_BIN}`,
      DRBD_SIM_STATE: join(this.dir, h, 'drbd.json'),
      XEN_DRBD_PROC_DRBD: join(this.dir, h, 'proc-drbd'),
      LVM_SIM_STATE: this.lvmState,
      LVM_SIM_HOST: h,
      XEN_DRBD_XAPI_SOCKET: this.sim.socketPath,
      XEN_DRBD_SM_LOCK_DIR: join(this.dir, h, 'lock'),
      XEN_DRBD_SM_BACKEND_DIR: join(this.dir, h, 'sm-backend'),
      ...extra,
    };
  }

  params(h: HostName, command: string, o: { args?: string[]; vdi?: Vdi; extra?: Record<string, XmlRpcValue> } = {}): Record<string, XmlRpcValue> {
    return {
      host_ref: HOST_REF[h], command, args: o.args ?? [],
      device_config: { SRmaster: String(h === MASTER), resource: 'r0', backend: 'blkback' },
      session_ref: this.sim.session(), sr_ref: SR_REF, sr_uuid: SR_UUID,
      ...(o.vdi === undefined ? {} : { vdi_ref: o.vdi.ref, vdi_location: o.vdi.uuid, vdi_uuid: o.vdi.uuid, vdi_on_boot: 'persist', vdi_allow_caching: 'false' }),
      subtask_of: `DummyRef:|sequencer|${command}`,
      ...o.extra,
    };
  }

  /** Starts the driver; `done` resolves with its answer (or its death). */
  spawn(h: HostName, command: string, o: Parameters<SrPool['params']>[2] = {}, env: Record<string, string> = {}): { child: ChildProcess; done: Promise<Step> } {
    const child = spawn(BIN, [encodeMethodCall(command, [this.params(h, command, o)], 'xapi')], { env: this.env(h, env), stdio: ['ignore', 'pipe', 'pipe'] });
    this.running++;
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const done = new Promise<Step>((resolve, reject) => {
      child.on('close', (code, signal) => {
        try {
          if (--this.running === 0) this.syncPeers();
        } catch (e) {
          reject(e);
          return;
        }
        if (signal !== null) {
          resolve({ host: h, command, response: { kind: 'fault', fault: { faultCode: -1, faultString: `killed by ${signal}` } } });
          return;
        }
        if (code !== 0 || stderr !== '') {
          reject(new Error(`DrbdlvmSR ${command} on ${h}: exit ${code}, stderr ${stderr}`));
          return;
        }
        decodeMethodResponse(stdout).then((response) => {
          const step = { host: h, command, response };
          this.steps.push(step);
          resolve(step);
        }, reject);
      });
    });
    return { child, done };
  }

  call(h: HostName, command: string, o: Parameters<SrPool['params']>[2] = {}): Promise<Step> {
    return this.spawn(h, command, o).done;
  }

  // --- xapi's orders ------------------------------------------------------------------------------

  /** xe sr-create shared=true: sr_create on the master, PBD.plug on both in parallel, SR.stat. */
  async srCreate(): Promise<Step[]> {
    const create = await this.call(MASTER, 'sr_create', { args: ['0'] });
    if (create.response.kind === 'fault') return [create];
    const plugs = await Promise.all([this.call('A', 'sr_attach'), this.call('B', 'sr_attach')]);
    return [create, ...plugs, await this.call(MASTER, 'sr_update')];
  }

  /** xe vdi-create (on the master); the record is the driver's db_introduce. */
  async vdiCreate(bytes: bigint, label: string): Promise<{ step: Step; vdi?: Vdi }> {
    const step = await this.call(MASTER, 'vdi_create', {
      args: [bytes.toString(), label, '', '', 'false', '19700101T00:00:00Z', '', 'false'],
      extra: { vdi_type: 'user', vdi_sm_config: {} },
    });
    if (step.response.kind === 'fault') return { step };
    const uuid = (step.response.value as { uuid: string }).uuid;
    const ref = Object.entries(this.sim.db.VDI).find(([, v]) => v.uuid === uuid)?.[0];
    return ref === undefined ? { step } : { step, vdi: { ref, uuid } };
  }

  /** A halted VM with one VBD on `vdi`. */
  vm(vdi: Vdi, isControlDomain = false): string {
    const ref = `OpaqueRef:vm-${Object.keys(this.sim.db.VM).length + 1}`;
    this.sim.db.VM[ref] = { uuid: ref.slice(10), current_operations: {}, resident_on: NULL_REF, scheduled_to_be_resident_on: NULL_REF, is_control_domain: isControlDomain };
    this.sim.db.VBD[`${ref}-vbd0`] = { VM: ref, VDI: vdi.ref };
    return ref;
  }

  private vdisOf(vm: string): Vdi[] {
    return Object.values(this.sim.db.VBD).filter((b) => b.VM === vm).map((b) => ({ ref: b.VDI, uuid: this.sim.db.VDI[b.VDI]?.uuid ?? '' }));
  }

  /**
   * VM.start on host h (research §3.1): epoch_begin → attach(RW) → activate(RW) per VBD. On a fault
   * xenopsd unplugs what it plugged (detach, epoch_end) and the VM stays halted.
   */
  async vmStart(vm: string, h: HostName): Promise<Step[]> {
    const rec = this.sim.db.VM[vm];
    if (rec === undefined) throw new Error(`no VM ${vm}`);
    rec.current_operations = { 'task-start': 'start' };
    rec.scheduled_to_be_resident_on = HOST_REF[h];
    const steps: Step[] = [];
    for (const vdi of this.vdisOf(vm)) {
      for (const command of ['vdi_epoch_begin', 'vdi_attach', 'vdi_activate']) {
        const s = await this.call(h, command, { vdi, args: command === 'vdi_epoch_begin' ? [] : ['true'] });
        steps.push(s);
        if (s.response.kind === 'fault') {
          if (command === 'vdi_activate') steps.push(await this.call(h, 'vdi_detach', { vdi }));
          if (command !== 'vdi_epoch_begin') steps.push(await this.call(h, 'vdi_epoch_end', { vdi }));
          rec.current_operations = {};
          rec.scheduled_to_be_resident_on = NULL_REF;
          return steps;
        }
      }
    }
    rec.current_operations = {};
    rec.scheduled_to_be_resident_on = NULL_REF;
    rec.resident_on = HOST_REF[h];
    return steps;
  }

  /** VM.shutdown (research §3.2): deactivate → detach → epoch_end, on the host it ran on. */
  async vmShutdown(vm: string): Promise<Step[]> {
    const rec = this.sim.db.VM[vm];
    const h = hostOf(rec?.resident_on);
    const steps: Step[] = [];
    for (const vdi of this.vdisOf(vm)) {
      for (const command of ['vdi_deactivate', 'vdi_detach', 'vdi_epoch_end']) steps.push(await this.call(h, command, { vdi }));
    }
    if (rec !== undefined) rec.resident_on = NULL_REF;
    return steps;
  }

  /**
   * VM.pool_migrate from its host to `to` (research §3.3): xapi marks the VM pool_migrate and
   * scheduled on `to`; the source deactivates, the destination attaches and activates, the source
   * detaches; then resident_on moves. No epoch calls. A destination fault leaves the VM on the source
   * (xenopsd re-activates it there).
   */
  async vmMigrate(vm: string, to: HostName): Promise<Step[]> {
    const rec = this.sim.db.VM[vm];
    if (rec === undefined) throw new Error(`no VM ${vm}`);
    const from = hostOf(rec.resident_on);
    rec.current_operations = { 'task-migrate': 'pool_migrate' };
    rec.scheduled_to_be_resident_on = HOST_REF[to];
    const steps: Step[] = [];
    const vdis = this.vdisOf(vm);
    for (const vdi of vdis) steps.push(await this.call(from, 'vdi_deactivate', { vdi }));
    for (const vdi of vdis) {
      for (const command of ['vdi_attach', 'vdi_activate']) {
        const s = await this.call(to, command, { vdi, args: ['true'] });
        steps.push(s);
        if (s.response.kind === 'fault') {
          steps.push(await this.call(to, 'vdi_detach', { vdi }));
          steps.push(await this.call(from, 'vdi_activate', { vdi, args: ['true'] }));
          rec.current_operations = {};
          rec.scheduled_to_be_resident_on = NULL_REF;
          return steps;
        }
      }
    }
    for (const vdi of vdis) steps.push(await this.call(from, 'vdi_detach', { vdi }));
    rec.current_operations = {};
    rec.scheduled_to_be_resident_on = NULL_REF;
    rec.resident_on = HOST_REF[to];
    return steps;
  }

  /**
   * Host h dies: its driver processes and dm tables are gone, its VMs with it (xapi's records still
   * say what they said), and the peer loses the link. Rebooting brings DRBD back Secondary and
   * connected, then xapi plugs the PBD: sr_attach.
   */
  crash(h: HostName): void {
    const peer: HostName = h === 'A' ? 'B' : 'A';
    this.setDrbd(h, { role: 'Secondary', cs: 'WFConnection', peerDisks: ['DUnknown'] });
    this.setDrbd(peer, { cs: 'WFConnection', peerDisks: ['DUnknown'] });
    const s = this.lvm();
    s.active[h] = [];
    writeAtomically(this.lvmState, JSON.stringify(s));
    for (const [ref, vm] of Object.entries(this.sim.db.VM)) if (vm.resident_on === HOST_REF[h]) this.sim.db.VM[ref] = { ...vm, current_operations: {} };
    this.syncPeers();
  }

  async reboot(h: HostName): Promise<Step> {
    const peer: HostName = h === 'A' ? 'B' : 'A';
    this.setDrbd(h, { cs: 'Connected', peerDisks: ['UpToDate'] });
    this.setDrbd(peer, { cs: 'Connected', peerDisks: ['UpToDate'] });
    for (const [ref, vm] of Object.entries(this.sim.db.VM)) if (vm.resident_on === HOST_REF[h]) this.sim.db.VM[ref] = { ...vm, resident_on: NULL_REF };
    this.syncPeers();
    return this.call(h, 'sr_attach');
  }
}

/** Whole-file replacement: the stand-ins of a driver running in parallel read these files. */
function writeAtomically(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

function hostOf(ref: string | undefined): HostName {
  if (ref === HOST_REF.A) return 'A';
  if (ref === HOST_REF.B) return 'B';
  throw new Error(`the VM is not resident on a pool host (${ref})`);
}

/** A step's answer in one word, for sequence assertions: 'ok' or the fault code. */
export function outcome(s: Step): string {
  return s.response.kind === 'result' ? 'ok' : String(s.response.fault.faultCode);
}

/** `<host> <command> <outcome>` per step. */
export function outcomes(steps: readonly Step[]): string[] {
  return steps.map((s) => `${s.host} ${s.command} ${outcome(s)}`);
}

export function faultText(s: Step | undefined): string {
  return s?.response.kind === 'fault' ? s.response.fault.faultString : '';
}
