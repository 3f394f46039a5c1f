// A two-host pool for the built dist/DrbdlvmSR, without xapi or the lab: the XenAPI simulator holds
// the pool's database, each host has its own DRBD stand-in (test/support/bin/drbd-sim.cjs, 8.4,
// resource r0 with allow-two-primaries) and device node, both share one LVM stand-in disk
// (test/support/bin-lvm/lvm-sim.cjs: the DRBD device is one disk seen from two hosts). The driver
// runs as xapi runs it (methodCall in argv[1], xapi's PATH and ORIGINATOR, no stdin);
// sr-sequencer.ts replays xapi's call orders on it. Once no driver call is running, the pool plays
// the replication link: each host's peerRole follows the other host's role.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { decodeMethodResponse, type MethodResponse } from '../../src/drbdlvm-sr/xmlrpc-decode';
import { encodeMethodCall } from '../../src/drbdlvm-sr/xmlrpc-encode';
import type { XmlRpcValue } from '../../src/drbdlvm-sr/xmlrpc-value';
import { REPO_ROOT } from './run-built';
import { seamEnv } from './seams';
import { emptyDb, startXapiSim, type SimDb, type XapiSim } from './xapi-sim';

const BIN = join(REPO_ROOT, 'dist', 'DrbdlvmSR');
const DRBD_BIN = join(__dirname, 'bin');
const LVM_BIN = join(__dirname, 'bin-lvm');
const NODE_DIR = dirname(process.execPath);
const XAPI_PATH = '/sbin:/usr/sbin:/bin:/usr/bin';

export type HostName = 'A' | 'B';
export const SR_UUID = '3b2f4c1e-7a55-8c1d-0e7f-2a9b6c4d8e11';
export const SR_REF = 'OpaqueRef:sr-drbdlvm';
export const HOST_REF: Record<HostName, string> = { A: 'OpaqueRef:host-alpha', B: 'OpaqueRef:host-bravo' };
export const MASTER: HostName = 'A';
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
  /** `drbdadm primary` blocks as in a hung fence-peer handler (drbd-sim.cjs hang()). */
  hangOnPrimary?: boolean;
  /** See hotplug-host.ts's SimResource. */
  ignoresRoleChange?: boolean;
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

export interface CallOptions {
  args?: string[];
  vdi?: Vdi;
  extra?: Record<string, XmlRpcValue>;
}

/** What sr-sequencer.ts drives: xapi's database and one driver call on a host (here, or in the lab). */
export interface DriverPool {
  readonly sim: XapiSim;
  call(h: HostName, command: string, o?: CallOptions): Promise<Step>;
}

/** The pool's database before sr_create: hosts A and B, the SR record. */
export function poolDb(): SimDb {
  const db = emptyDb();
  db.host[HOST_REF.A] = { uuid: 'aaaaaaaa-0000-4000-8000-000000000001', name_label: 'alpha' };
  db.host[HOST_REF.B] = { uuid: 'bbbbbbbb-0000-4000-8000-000000000002', name_label: 'bravo' };
  db.SR[SR_REF] = { uuid: SR_UUID, sm_config: {}, physical_size: '0', physical_utilisation: '0', virtual_allocation: '0' };
  return db;
}

/** The parameters xapi passes host h's driver for `command` (device-config: r0, blkback, A is master). */
export function driverParams(sim: XapiSim, h: HostName, command: string, o: CallOptions = {}): Record<string, XmlRpcValue> {
  return {
    host_ref: HOST_REF[h],
    command,
    args: o.args ?? [],
    device_config: { SRmaster: String(h === MASTER), resource: 'r0', backend: 'blkback' },
    session_ref: sim.session(),
    sr_ref: SR_REF,
    sr_uuid: SR_UUID,
    ...(o.vdi === undefined
      ? {}
      : { vdi_ref: o.vdi.ref, vdi_location: o.vdi.uuid, vdi_uuid: o.vdi.uuid, vdi_on_boot: 'persist', vdi_allow_caching: 'false' }),
    subtask_of: `DummyRef:|sequencer|${command}`,
    ...o.extra,
  };
}

export class SrPool implements DriverPool {
  readonly steps: Step[] = [];
  /** Driver processes running: the link is synced when none is (a sync rewrites their state files). */
  private running = 0;
  private constructor(
    readonly dir: string,
    readonly sim: XapiSim,
    readonly lvmState: string,
  ) {}

  static async start(): Promise<SrPool> {
    const dir = mkdtempSync(join(tmpdir(), 'sr-pool-'));
    const sim = await startXapiSim(poolDb());
    const lvmState = join(dir, 'lvm.json');
    const devices: Record<string, string> = {};
    for (const h of ['A', 'B'] as const) {
      mkdirSync(join(dir, h, 'dev'), { recursive: true });
      const dev = join(dir, h, 'dev', 'drbd0');
      execFileSync('mknod', [dev, 'b', '147', '0']);
      devices[h] = dev;
      const r: DrbdSimResource = {
        minors: [0],
        devices: [dev],
        role: 'Secondary',
        peerRole: 'Secondary',
        cs: 'Connected',
        disks: ['UpToDate'],
        peerDisks: ['UpToDate'],
        twoPrimaries: true,
        heldOpen: 0,
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

  lvm(): {
    disks: Record<string, { vg: { name: string; lvs: Record<string, { size: number }> } | null }>;
    active: Record<string, string[]>;
  } {
    return JSON.parse(readFileSync(this.lvmState, 'utf8'));
  }

  lvmCalls(): string[] {
    try {
      return readFileSync(`${this.lvmState}.calls`, 'utf8').trim().split('\n');
    } catch {
      return [];
    }
  }

  /** The DRBD stand-in's state file on host h (its hung grandchildren's pids are kept next to it). */
  drbdStatePath(h: HostName): string {
    return join(this.dir, h, 'drbd.json');
  }

  /** Host h's per-SR lock file (sr-lock.ts). */
  srLockFile(h: HostName): string {
    return join(this.dir, h, 'lock', SR_UUID, 'sr');
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
  syncPeers(): void {
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
      DRBD_SIM_STATE: join(this.dir, h, 'drbd.json'),
      LVM_SIM_STATE: this.lvmState,
      LVM_SIM_HOST: h,
      ...seamEnv({
        pathPrefix: `${DRBD_BIN}:${LVM_BIN}`,
        procDrbd: join(this.dir, h, 'proc-drbd'),
        // drbdadm does everything here, as where no drbdsetup-84 is installed (the lab runs both tools).
        drbdsetup84: join(this.dir, 'no-drbdsetup-84'),
        xapiSocket: this.sim.socketPath,
        smLockDir: join(this.dir, h, 'lock'),
        smBackendDir: join(this.dir, h, 'sm-backend'),
      }),
      ...extra,
    };
  }

  /** Starts the driver; `done` resolves with its answer (or its death). */
  spawn(h: HostName, command: string, o: CallOptions = {}, env: Record<string, string> = {}): { child: ChildProcess; done: Promise<Step> } {
    const child = spawn(BIN, [encodeMethodCall(command, [driverParams(this.sim, h, command, o)], 'xapi')], {
      env: this.env(h, env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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

  call(h: HostName, command: string, o: CallOptions = {}): Promise<Step> {
    return this.spawn(h, command, o).done;
  }
}

/** Whole-file replacement: the stand-ins of a driver running in parallel read these files. */
export function writeAtomically(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

export function hostOf(ref: string | undefined): HostName {
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
