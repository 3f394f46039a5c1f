// The drbdlvm SR on the lab's two dom0s: test/support/sr-sequencer.ts drives the built driver
// (/lab/dist/DrbdlvmSR, copied into each dom0 at boot) on real DRBD 8.4 and real LVM. xapi is the
// XenAPI simulator in the runner (test/support/xapi-sim.ts, also on a TCP port). Each dom0 reaches
// it at the driver's default /var/lib/xcp/xapi: a socat bridge to 10.0.2.100:80, which qemu's
// guestfwd (LabOptions.xapiPort) forwards to the simulator, since restrict=on blocks anything else.
import { SEAMS_SWITCH } from '../../../src/test-seams';
import { decodeMethodResponse } from '../../../src/drbdlvm-sr/xmlrpc-decode';
import { encodeMethodCall } from '../../../src/drbdlvm-sr/xmlrpc-encode';
import {
  SR_UUID,
  driverParams,
  faultText,
  outcome,
  outcomes,
  poolDb,
  type CallOptions,
  type DriverPool,
  type HostName,
  type Step,
  type Vdi,
} from '../../support/sr-pool';
import { addVm, vdiCreate, vmStart } from '../../support/sr-sequencer';
import { startXapiSim, type XapiSim } from '../../support/xapi-sim';
import { DOM0_SR_DRIVER } from './initrd';
import { R0, guestResults, waitGuestDone, xlCreate, xlError, type ResourceSpec } from './drbd';
import type { Host, Lab, RunResult } from './lab';
import { useLab, type ScenarioContext, type ScenarioOptions } from './scenario';

/** xapi's PATH for its plugins (docs/smapi.md §1): nothing else in the driver's environment but ORIGINATOR. */
export const XAPI_PATH = '/sbin:/usr/sbin:/bin:/usr/bin';

/** What configureLvm leaves in lvm.conf, as `lvmconfig` prints it. */
export const LAB_LVM_CONFIG = [
  'global_filter=["a|^/dev/drbd[0-9]+$|","r|^/dev/loop|"]',
  'obtain_device_list_from_udev=0',
  'udev_sync=0',
  'udev_rules=0',
];

/**
 * dom0's lvm.conf for the SR: LVM must see the PV through DRBD only (the loop device under it
 * carries the same PV label). dom0 runs no udev: LVM itself lists /dev and creates /dev/<VG>/<LV>
 * on activation (with udev_rules on, an active LV had no /dev/<VG>/<LV> in the first lab run).
 * Returns the settings as lvmconfig reads them back (LAB_LVM_CONFIG when it worked).
 */
/** The SR's resource in scenarios 17 and 18: 160 MiB (the 4 MiB MGT and a few VDIs), both hosts Primary. */
export const SR_RESOURCE: ResourceSpec = { ...R0, volumes: [{ minor: 0, sizeMiB: 160 }], net: 'allow-two-primaries yes;' };

export const SR_VG = `VG_XenStorage-${SR_UUID}`;

/** lvs of the SR's VG on h: LV name → { attr, bytes }. */
export async function lvs(h: Host): Promise<Record<string, { attr: string; bytes: number }>> {
  const out = await h.sh(`lvs --noheadings --units b --nosuffix -o lv_name,lv_attr,lv_size ${SR_VG}`);
  const rows = out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length === 3);
  return Object.fromEntries(rows.map(([name, attr, bytes]) => [name!, { attr: attr!, bytes: Number(bytes) }]));
}

/** sha256 of the first `bytes` of dev on h. */
export async function sha256Of(h: Host, dev: string, bytes: number): Promise<string> {
  // O_DIRECT: the other host wrote the blocks; nothing may come from this host's page cache.
  // pipefail: a dd that cannot open the device must fail, not hash nothing.
  return (await h.sh(`set -o pipefail; dd if=${dev} bs=1M count=${bytes / (1024 * 1024)} iflag=direct status=none | sha256sum`)).split(
    ' ',
  )[0]!;
}

export async function configureLvm(h: Host): Promise<string[]> {
  await h.sh(
    `sed -i -e '/^devices {/a\\    global_filter = [ "a|^/dev/drbd[0-9]+$|", "r|^/dev/loop|" ]\\n    obtain_device_list_from_udev = 0' ` +
      `-e '/^activation {/a\\    udev_sync = 0\\n    udev_rules = 0' /etc/lvm/lvm.conf`,
  );
  return (await h.sh('lvmconfig devices/global_filter devices/obtain_device_list_from_udev activation/udev_sync activation/udev_rules'))
    .trim()
    .split('\n');
}

/** One span the driver recorded under DRBDLVM_TIMINGS (src/drbdlvm-sr/timings.ts). */
export interface DriverSpan {
  readonly kind: 'child' | 'xapi';
  /** argv[0..1] of a child process, the method of a XenAPI call. */
  readonly what: string;
  /** ms since the driver process started. */
  readonly startMs: number;
  readonly ms: number;
}

/** A driver call timed in dom0 (LabSrPool.start({ port, timed: true })). */
export interface TimedCall {
  readonly host: HostName;
  readonly command: string;
  /** The driver process's wall time, taken by the calling bash with $EPOCHREALTIME. */
  readonly wallMs: number;
  readonly spans: readonly DriverSpan[];
}

// Ends the driver's stdout in a timed call; what follows is the wall time and the span lines.
const TIMING_MARK = '--lab-sr-timing--';

// One SMlog line per syslog datagram (socat's UNIX-RECV would glue them together: logger sends none).
const SYSLOG_TO_SMLOG = [
  'import os, socket',
  'p = "/dev/log"',
  'os.path.exists(p) and os.unlink(p)',
  's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(p)',
  'f = open("/var/log/SMlog", "ab", buffering=0)',
  'while True: f.write(s.recv(65536).rstrip(b"\\n") + b"\\n")',
].join('\n');

export class LabSrPool implements DriverPool {
  readonly steps: Step[] = [];
  /** Every call's timing, when started with { timed: true }. */
  readonly timedCalls: TimedCall[] = [];
  private lab: Lab | undefined;
  private constructor(
    readonly sim: XapiSim,
    private readonly timed: boolean,
  ) {}

  /** The simulator on 127.0.0.1:`port` (the lab's xapiPort; 0: any free port). */
  static async start(o: { port: number; timed?: boolean }): Promise<LabSrPool> {
    return new LabSrPool(await startXapiSim(poolDb(), { tcpPort: o.port }), o.timed ?? false);
  }

  /** The simulator's TCP port, for LabOptions.xapiPort. */
  get port(): number {
    if (this.sim.tcpPort === undefined) throw new Error('the XenAPI simulator is not listening on TCP');
    return this.sim.tcpPort;
  }

  /**
   * Bridges each dom0's /var/lib/xcp/xapi to the simulator and collects the driver's syslog lines
   * (logger, facility local2) in /var/log/SMlog: dom0 runs no syslog daemon.
   */
  async connect(lab: Lab): Promise<void> {
    this.lab = lab;
    await Promise.all(
      Object.values(lab.hosts).map(async (h) => {
        await h.sh(
          'mkdir -p /var/lib/xcp && ' +
            '(setsid nohup socat UNIX-LISTEN:/var/lib/xcp/xapi,fork,unlink-early TCP:10.0.2.100:80 >>/var/log/lab/xapi-bridge.log 2>&1 &) && ' +
            `(setsid nohup python3 -c '${SYSLOG_TO_SMLOG}' >>/var/log/lab/smlog.log 2>&1 &)`,
        );
        // The bridge end to end: one HTTP request through both socats and qemu reaches the simulator.
        await h.waitFor(
          `printf 'GET /nothing HTTP/1.0\\r\\n\\r\\n' | socat - UNIX-CONNECT:/var/lib/xcp/xapi`,
          (r) => /^HTTP\/1\.[01] 404/.test(r.stdout),
          30_000,
          'the XenAPI simulator through /var/lib/xcp/xapi',
        );
      }),
    );
  }

  /** One driver call on host h as xapi makes it: the methodCall in argv[1], stdin closed. */
  async call(h: HostName, command: string, o: CallOptions = {}): Promise<Step> {
    if (this.lab === undefined) throw new Error('LabSrPool.connect(lab) first');
    const xml = encodeMethodCall(command, [driverParams(this.sim, h, command, o)], 'xapi');
    // The call goes over the agent's stdin into a file: argv[1] is too long for a command line.
    const r = await this.lab.hosts[h].run(
      this.timed
        ? // Timed in the same bash, around the driver process only: $EPOCHREALTIME starts nothing.
          'f=$(mktemp /tmp/sm-call.XXXXXX) && cat > "$f" && x=$(cat "$f") && rm -f "$f" && t=$(mktemp /tmp/sm-timings.XXXXXX) || exit 1; ' +
            `t0=\${EPOCHREALTIME/./}; env -i PATH=${XAPI_PATH} ORIGINATOR=SM ${SEAMS_SWITCH}=1 DRBDLVM_TIMINGS="$t" ${DOM0_SR_DRIVER} "$x" </dev/null; rc=$?; t1=\${EPOCHREALTIME/./}; ` +
            `printf '\\n${TIMING_MARK} %s\\n' $((t1 - t0)); cat "$t"; rm -f "$t"; exit $rc`
        : 'f=$(mktemp /tmp/sm-call.XXXXXX) && cat > "$f" && ' +
            `env -i PATH=${XAPI_PATH} ORIGINATOR=SM ${DOM0_SR_DRIVER} "$(cat "$f")" </dev/null; rc=$?; rm -f "$f"; exit $rc`,
      { stdin: xml, timeoutMs: 120_000 },
    );
    if (r.code !== 0 || r.stderr !== '')
      throw new Error(`DrbdlvmSR ${command} on ${h}: exit ${r.code}, stderr ${r.stderr}, stdout ${r.stdout}`);
    let stdout = r.stdout;
    if (this.timed) {
      const at = stdout.lastIndexOf(`\n${TIMING_MARK} `);
      if (at < 0) throw new Error(`DrbdlvmSR ${command} on ${h}: no timing in the output: ${stdout.slice(-300)}`);
      const [head = '', ...rest] = stdout
        .slice(at + TIMING_MARK.length + 2)
        .split('\n')
        .filter((l) => l !== '');
      this.timedCalls.push({ host: h, command, wallMs: Number(head) / 1000, spans: rest.map(parseSpan) });
      stdout = stdout.slice(0, at);
    }
    const step: Step = { host: h, command, response: await decodeMethodResponse(stdout) };
    this.steps.push(step);
    return step;
  }

  stop(): Promise<void> {
    return this.sim.close();
  }
}

/** One DRBDLVM_TIMINGS line (src/drbdlvm-sr/timings.ts). */
export function parseSpan(line: string): DriverSpan {
  const [kind, what, start, ms] = line.split('\t');
  if ((kind !== 'child' && kind !== 'xapi') || what === undefined || !Number.isFinite(Number(start)) || !Number.isFinite(Number(ms))) {
    throw new Error(`not a DRBDLVM_TIMINGS line: ${JSON.stringify(line)}`);
  }
  return { kind, what, startMs: Number(start), ms: Number(ms) };
}

/**
 * One driver call on host h started as LabSrPool.call makes it, without waiting for it (scenario
 * 18 SIGKILLs it midway): `pid` is the driver process in dom0 (the shell execs into it), `done` its
 * end. Not recorded in pool.steps.
 */
export async function startDriverCall(
  pool: LabSrPool,
  host: Host,
  command: string,
  o: CallOptions = {},
): Promise<{ pid: number; done: Promise<RunResult> }> {
  if (host.name === 'C') throw new Error("host C is not one of the SR pool's hosts");
  const xml = encodeMethodCall(command, [driverParams(pool.sim, host.name, command, o)], 'xapi');
  const f = (await host.sh('mktemp /tmp/sm-call.XXXXXX')).trim();
  await host.sh(`cat > ${f}`, { stdin: xml });
  const done = host.run(`echo $$ > ${f}.pid && exec env -i PATH=${XAPI_PATH} ORIGINATOR=SM ${DOM0_SR_DRIVER} "$(cat ${f})" </dev/null`, {
    timeoutMs: 120_000,
  });
  const r = await host.waitFor(`cat ${f}.pid`, (x) => /^\d+\n?$/.test(x.stdout), 30_000, `the pid of DrbdlvmSR ${command}`);
  return { pid: Number(r.stdout.trim()), done };
}

/** Where a VDI's LV appears once active: what the blkback backend's vdi_attach answers as `params`. */
export function lvPathOf(vdiUuid: string): string {
  return `/dev/${SR_VG}/LV-${vdiUuid}`;
}

/** lv_attr of a VDI's LV on h: [4] 'a' active / '-' inactive, [5] 'o' open. */
export async function lvAttrOf(h: Host, vdiUuid: string): Promise<string> {
  const attr = (await lvs(h))[`LV-${vdiUuid}`]?.attr;
  if (attr === undefined) throw new Error(`host ${h.name}: no LV-${vdiUuid} in ${SR_VG}`);
  return attr;
}

/** Waits until nothing holds a VDI's LV open on h (blkback lets go once its domain is gone). */
export async function waitLvClosed(h: Host, vdiUuid: string, timeoutMs = 60_000): Promise<void> {
  await h.waitFor(
    `lvs --noheadings -o lv_attr ${SR_VG}/LV-${vdiUuid}`,
    (r) => r.code === 0 && r.stdout.trim()[5] === '-',
    timeoutMs,
    `LV-${vdiUuid} closed`,
  );
}

/**
 * A PVH guest (scenario 09's) on h whose one disk is the VDI as `phy:<params>`: it writes the lab's
 * payload, reads it back (checked against payloadSha here), then keeps re-reading it (lab_then=watch).
 */
export async function startSrGuest(h: Host, name: string, params: string, payloadSha: string): Promise<void> {
  const r = await xlCreate(h, { name, disks: [`phy:${params},xvda,w`], action: 'write', poweroff: false, then: 'watch' });
  if (r.code !== 0) throw new Error(`host ${h.name}: xl create ${name} failed: ${xlError(r)}`);
  const out = await waitGuestDone(h, name, 180_000);
  const w = guestResults(out).find((g) => g.op === 'write');
  if (w?.sha256 !== payloadSha || w.rc !== '0')
    throw new Error(`host ${h.name}: guest ${name} wrote ${JSON.stringify(w)}, expected sha256 ${payloadSha} rc 0`);
}

/**
 * Waits until the guest on h has re-read its disk with checksum sha at a tick after `after` (its
 * console on h, under either name xenconsoled gives it); returns that tick.
 */
export async function waitGuestReads(h: Host, name: string, sha: string, after = 0, timeoutMs = 120_000): Promise<number> {
  const reads = (text: string) =>
    [...text.matchAll(/LAB-GUEST disk=xvda op=watch sha256=([0-9a-f]+) rc=0 tick=(\d+)/g)].filter((m) => Number(m[2]) > after);
  const r = await h.waitFor(
    `cat /var/log/xen/console/guest-${name}.log /var/log/xen/console/guest-${name}--incoming.log 2>/dev/null`,
    (x) => reads(x.stdout).length > 0,
    timeoutMs,
    `guest ${name} re-reading its disk on host ${h.name} after tick ${after}`,
  );
  const bad = reads(r.stdout).find((m) => m[1] !== sha);
  if (bad) throw new Error(`host ${h.name}: guest ${name} read sha256 ${bad[1]} at tick ${bad[2]}, expected ${sha}`);
  return Math.max(...reads(r.stdout).map((m) => Number(m[2])));
}

/**
 * An SR scenario's set-up: the lab with the SR's resource and the XenAPI simulator's port
 * forwarded into each dom0, the simulator listening there, each dom0 bridged to it with its LVM
 * configured (checked), each host's SMlog kept in the run dir. Returns getters for both.
 */
export function useSrLab(name: string, options: Pick<ScenarioOptions, 'drbd'> = {}): { pool: () => LabSrPool; lab: () => ScenarioContext } {
  let started: LabSrPool | undefined;
  const pool = (): LabSrPool => {
    if (started === undefined) throw new Error('the XenAPI simulator did not start (see beforeAll)');
    return started;
  };
  const lab = useLab(name, [SR_RESOURCE], { ...options, xapi: true, collect: ['/var/log/SMlog'] });
  beforeAll(async () => {
    const { lab: l, A, B } = lab();
    if (l.xapiPort === undefined) throw new Error('the lab has no XenAPI port forwarded');
    started = await LabSrPool.start({ port: l.xapiPort });
    await pool().connect(l);
    // LVM sees the PV through DRBD only, and works without udev (configureLvm says why).
    for (const h of [A, B]) expect({ host: h.name, config: await configureLvm(h) }).toEqual({ host: h.name, config: LAB_LVM_CONFIG });
    // Built when the lab booted (shared-lab.ts), as the .rpm's %post builds it.
    const status = await Promise.all([A, B].map((h) => h.run(`xen-drbd startup-snapshot --status ${DOM0_SR_DRIVER}`)));
    expect(status.map((r) => r.stdout)).toEqual(['DrbdlvmSR: starts from its snapshot\n', 'DrbdlvmSR: starts from its snapshot\n']);
  }, 120_000);
  afterAll(() => started?.stop());
  return { pool, lab };
}

/**
 * A second VM of the SR, on a new VDI of `bytes`, started on A while `active` runs RW on B: refused
 * 5106 naming B and that VDI, then xenopsd's clean-up (detach, epoch_end). Returns the VDI and the text.
 */
export async function startRefusedOnA(pool: LabSrPool, bytes: bigint, active: Vdi): Promise<{ vdi: Vdi; why: string }> {
  const { step, vdi } = await vdiCreate(pool, bytes, 'disk2');
  expect(outcome(step)).toBe('ok');
  const second = vdi as Vdi;
  const steps = await vmStart(pool, addVm(pool, second), 'A');
  expect(outcomes(steps)).toEqual([
    'A vdi_epoch_begin ok',
    'A vdi_attach ok',
    'A vdi_activate 5106',
    'A vdi_detach ok',
    'A vdi_epoch_end ok',
  ]);
  const why = faultText(steps[2]);
  expect(why).toMatch(
    new RegExp(`refusing a VM start on host alpha: VDIs of this SR are active RW on host bravo \\(VDI ${active.uuid}\\)`),
  );
  return { vdi: second, why };
}
