// DRBD and xl helpers for lab scenarios (run inside the dom0s through the agent). DRBD 8.4 by
// default; in a DRBD 9 lab (Lab.drbd) the resource's state is read from `drbdsetup status --json`
// and given in 8.4's drbdadm forms (role/cstate/dstate, one line per volume), so checks stay the same.
import type { Host, Lab, RunResult } from './lab';

export interface VolumeSpec {
  minor: number;
  sizeMiB?: number;
}

export interface ResourceSpec {
  name: string;
  port: number;
  volumes: VolumeSpec[];
  /** Extra lines for the net section, e.g. "allow-two-primaries yes;". */
  net?: string;
  /** DRBD 9: the resource's options section, e.g. "quorum majority;". */
  options?: string;
  /** DRBD 9: host C as a third, diskless node (a quorum tiebreaker); the lab must have C. */
  tiebreaker?: boolean;
}

export const R0: ResourceSpec = { name: 'r0', port: 7789, volumes: [{ minor: 0 }] };
export const R1_TWO_VOLUMES: ResourceSpec = { name: 'r1', port: 7790, volumes: [{ minor: 1 }, { minor: 2 }] };
/**
 * DRBD 9: r0 on A and B with C as a diskless tiebreaker, writable only with a majority of the three.
 * ping-timeout 2 s instead of DRBD's 0.5: when a peer goes, the others ping each other within the
 * cluster-wide state change, and three TCG hosts on two cores can miss 0.5 s. Seen once in 27
 * (2026-12-07): as A was cut off, B's PingAck from C came late ("sock_recvmsg returned -11"), B
 * dropped C too and lost quorum for good (one UpToDate node and a reconnected diskless tiebreaker
 * make no majority), so B could never start the domain.
 */
export const R0_QUORUM: ResourceSpec = {
  ...R0,
  options: 'quorum majority;\n    on-no-quorum io-error;',
  net: 'ping-timeout 20;',
  tiebreaker: true,
};

/**
 * 8.4 syntax, plus each host's node-id on DRBD 9 (and a full mesh for more than two). A host
 * without disks in `disks` is diskless. The dynamic resync controller is off (c-plan-ahead 0): it
 * is very slow under TCG.
 */
export function resourceConfig(spec: ResourceSpec, disks: Record<string, string[]>, hosts: Host[], drbd: 8.4 | 9 = 8.4): string {
  const single = spec.volumes.length === 1;
  const onBlocks = hosts.map((h) => {
    const d = disks[h.name];
    const disk = (i: number) => (d === undefined ? 'disk none;' : `disk ${d[i]};\n${single ? '    ' : '      '}meta-disk internal;`);
    const vols = spec.volumes.map((v, i) =>
      single
        ? `    device /dev/drbd${v.minor};\n    ${disk(i)}`
        : `    volume ${i} {\n      device /dev/drbd${v.minor};\n      ${disk(i)}\n    }`,
    );
    const nodeId = drbd === 9 ? `    node-id ${hosts.indexOf(h)};\n` : '';
    return `  on ${h.hostname} {\n${vols.join('\n')}\n    address ${h.replIp}:${spec.port};\n${nodeId}  }`;
  });
  return [
    `resource ${spec.name} {`,
    ...(spec.options ? [`  options {\n    ${spec.options}\n  }`] : []),
    `  net {\n    protocol C;\n${spec.net ? '    ' + spec.net + '\n' : ''}  }`,
    `  disk {\n    c-plan-ahead 0;\n    resync-rate 400M;\n  }`,
    ...onBlocks,
    ...(hosts.length > 2 ? [`  connection-mesh {\n    hosts ${hosts.map((h) => h.hostname).join(' ')};\n  }`] : []),
    `}`,
    '',
  ].join('\n');
}

export function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Creates backing loop devices on A and B, writes the config on every host of the resource
 * (C too when it is the tiebreaker), create-md (where there is a disk) + up. No sync yet.
 */
export async function defineResource(lab: Lab, spec: ResourceSpec): Promise<void> {
  const diskful = [lab.hosts.A, lab.hosts.B];
  const C = lab.hosts.C;
  if (spec.tiebreaker && (C === undefined || lab.drbd !== 9))
    throw new Error(`${spec.name}: a tiebreaker needs DRBD 9 and host C in the lab`);
  const hosts = spec.tiebreaker && C ? [...diskful, C] : diskful;
  const disks: Record<string, string[]> = {};
  await Promise.all(
    diskful.map(async (h) => {
      disks[h.name] = [];
      for (let i = 0; i < spec.volumes.length; i++) {
        const size = spec.volumes[i]!.sizeMiB ?? 64;
        const file = `/var/lib/lab/${spec.name}-${i}.img`;
        const dev = (await h.sh(`mkdir -p /var/lib/lab && truncate -s ${size}M ${file} && losetup --find --show ${file}`)).trim();
        disks[h.name]!.push(dev);
      }
    }),
  );
  const cfg = resourceConfig(spec, disks, hosts, lab.drbd);
  await Promise.all(
    hosts.map(async (h) => {
      await h.sh(`cat > /etc/drbd.d/${spec.name}.res`, { stdin: cfg });
      if (disks[h.name]) await h.sh(`drbdadm create-md --force ${spec.name}`, { timeoutMs: 60_000 });
      await h.sh(`drbdadm up ${spec.name}`, { timeoutMs: 60_000 });
    }),
  );
}

/** DRBD 9's `drbdsetup status --json` for one resource (the fields the lab reads). */
interface Status9 {
  role: string;
  devices: { volume: number; 'disk-state': string }[];
  connections: {
    'connection-state': string;
    'peer-role': string;
    peer_devices: { volume: number; 'replication-state': string; 'peer-disk-state': string }[];
  }[];
}

export const STATUS9 = (res: string): string => `drbdsetup status --json ${res}`;

/**
 * A DRBD 9 status as 8.4's `drbdadm role|cstate|dstate` print it for a two-node resource (one line
 * per volume): cstate is the replication state when connected (Established → Connected), 8.4's
 * WFConnection while connecting, else the connection state; no connection reads Unknown/DUnknown.
 */
export function view84(json: string): { role: string; cstate: string; dstate: string } {
  const [s] = JSON.parse(json) as Status9[];
  if (!s) throw new Error(`no resource in drbdsetup status --json: ${json.slice(0, 200)}`);
  const c = s.connections[0];
  const lines = (f: (d: Status9['devices'][number]) => string) => s.devices.map(f).join('\n');
  return {
    role: lines(() => `${s.role}/${c?.['peer-role'] ?? 'Unknown'}`),
    cstate: lines((d) => {
      const cs = c?.['connection-state'] ?? 'StandAlone';
      if (cs === 'Connecting') return 'WFConnection';
      if (cs !== 'Connected') return cs;
      const rs = c!.peer_devices.find((p) => p.volume === d.volume)?.['replication-state'] ?? 'Off';
      return rs === 'Established' ? 'Connected' : rs;
    }),
    dstate: lines((d) => `${d['disk-state']}/${c?.peer_devices.find((p) => p.volume === d.volume)?.['peer-disk-state'] ?? 'DUnknown'}`),
  };
}

/** The resource's role, connection and disk states in 8.4's drbdadm forms, on DRBD 8.4 or 9. */
export async function drbdView(h: Host, res: string): Promise<{ role: string; cstate: string; dstate: string }> {
  if (h.lab.drbd === 9) return view84(await h.sh(STATUS9(res)));
  // One request for the three (a line per volume each): a round trip to dom0 costs ~0.15 s under TCG.
  const out = await h.sh(`drbdadm role ${res} && echo @@ && drbdadm cstate ${res} && echo @@ && drbdadm dstate ${res}`);
  const [role, cstate, dstate, ...more] = out.split('\n@@\n');
  if (dstate === undefined || more.length)
    throw new Error(`host ${h.name}: drbdadm role/cstate/dstate ${res} answered ${JSON.stringify(out)}`);
  return { role: role!.trim(), cstate: cstate!.trim(), dstate: dstate.trim() };
}

/** Waits until `ok` holds for the view (parsed from one status command on DRBD 9, drbdadm `field` on 8.4). */
async function waitView(
  h: Host,
  res: string,
  field: 'role' | 'cstate' | 'dstate',
  ok: (v: string) => boolean,
  timeoutMs: number,
  what: string,
): Promise<string> {
  const nine = h.lab.drbd === 9;
  const pick = (r: RunResult): string | undefined => {
    if (r.code !== 0) return undefined;
    try {
      return nine ? view84(r.stdout)[field] : r.stdout.trim();
    } catch {
      return undefined;
    }
  };
  const r = await h.waitFor(
    nine ? STATUS9(res) : `drbdadm ${field} ${res}`,
    (x) => {
      const v = pick(x);
      return v !== undefined && ok(v);
    },
    timeoutMs,
    what,
  );
  return pick(r)!;
}

/** Waits until the connection state in 8.4's form (drbdView) matches `want`, on DRBD 8.4 or 9. */
export async function waitCstate(h: Host, res: string, want: RegExp, timeoutMs: number, what: string): Promise<string> {
  return waitView(h, res, 'cstate', (v) => want.test(v), timeoutMs, what);
}

export async function waitConnected(lab: Lab, res: string, timeoutMs = 60_000): Promise<void> {
  await Promise.all(
    [lab.hosts.A, lab.hosts.B].map((h) =>
      waitView(
        h,
        res,
        'cstate',
        (v) =>
          v
            .split('\n')
            .filter(Boolean)
            .every((l) => /^(Connected|SyncSource|SyncTarget)$/.test(l.trim())),
        timeoutMs,
        `${res} connected`,
      ),
    ),
  );
}

export async function waitUpToDate(lab: Lab, res: string, timeoutMs = 120_000): Promise<void> {
  await Promise.all(
    [lab.hosts.A, lab.hosts.B].map((h) =>
      waitView(
        h,
        res,
        'dstate',
        (v) =>
          v
            .split('\n')
            .filter(Boolean)
            .every((l) => l.trim() === 'UpToDate/UpToDate'),
        timeoutMs,
        `${res} UpToDate/UpToDate`,
      ),
    ),
  );
}

/**
 * Both disks UpToDate, both hosts Secondary: the normal starting point of a scenario. The backing
 * files are new (all zeroes) on both hosts, so the initial sync is skipped as DRBD 8.4's guide
 * allows for that case: a new current UUID with a cleared bitmap on one side while connected.
 */
export async function createResource(lab: Lab, spec: ResourceSpec): Promise<void> {
  await defineResource(lab, spec);
  await waitConnected(lab, spec.name);
  // One volume at a time: drbdadm wants a volume id for a multi-volume resource.
  const targets = spec.volumes.length === 1 ? [spec.name] : spec.volumes.map((_, i) => `${spec.name}/${i}`);
  for (const t of targets) await lab.hosts.A.sh(`drbdadm -- --clear-bitmap new-current-uuid ${t}`);
  await waitUpToDate(lab, spec.name);
}

export async function role(h: Host, res: string): Promise<string> {
  return h.lab.drbd === 9 ? (await drbdView(h, res)).role : (await h.sh(`drbdadm role ${res}`)).trim();
}

export async function waitRole(h: Host, res: string, want: RegExp, timeoutMs = 60_000): Promise<string> {
  return waitView(h, res, 'role', (v) => want.test(v), timeoutMs, `${res} role ${want}`);
}

/** The role once it matches `want`, or, when it never does in time, the role as it stands (for the assertion message). */
export async function settledRole(h: Host, res: string, want: RegExp, timeoutMs = 60_000): Promise<string> {
  try {
    return await waitRole(h, res, want, timeoutMs);
  } catch {
    return role(h, res);
  }
}

// ---- guests ------------------------------------------------------------------------------------

export interface GuestSpec {
  name: string;
  /** xl disk specs, e.g. ["drbd:r0,xvda,w"]. */
  disks: string[];
  action: 'write' | 'verify' | 'hold';
  /** Guest device names to act on (default xvda). */
  guestDisks?: string[];
  /**
   * Default 32, with the lab's own guest kernel (test/lab/guest/domu-kernel.config). Under TCG a
   * live migration's time grows with the guest's memory: one A → B move of a guest re-reading its
   * disk took 77-90 s with Debian's kernel at 112 MiB (174-197 MiB sent) and 35 s with this kernel
   * at 32 MiB (50 MiB sent), and create + write 31-34 s against 14 s (test/lab/README.md, "Timings").
   * The guest's blkfront runs without persistent grants (see guestConfig), so a second disk fits too.
   */
  memoryMiB?: number;
  /** Power off when the action is done (default true; 'hold' never powers off by itself). */
  poweroff?: boolean;
  /**
   * Then keep re-reading the disks forever ("watch"), or keep writing a journal of ticks to
   * the first disk ("writeloop"), e.g. across live migrations.
   */
  then?: 'watch' | 'writeloop';
  /** Extra xl config lines. */
  extra?: string[];
}

/**
 * With persistent grants (blkfront's default when blkback offers them) blkfront sets aside
 * (32 + 1) × 32 bounce pages, ~4 MiB, per disk when it connects (drivers/block/xen-blkfront.c,
 * blkfront_setup_indirect): at 32 MiB a guest with two disks hung in its initcalls. Without them it
 * keeps 32 indirect pages per disk. The lab tests the backend's hotplug, not the frontend's speed.
 */
const GUEST_CMDLINE = 'console=hvc0 quiet xen_blkfront.feature_persistent=0';

export function guestConfig(g: GuestSpec): string {
  return [
    `name = "${g.name}"`,
    `type = "pvh"`,
    `kernel = "/lab/domu/pvh-kernel"`,
    `ramdisk = "/lab/domu/initrd.cpio"`,
    `memory = ${g.memoryMiB ?? 32}`,
    `vcpus = 1`,
    `tsc_mode = "native"`,
    `on_poweroff = "destroy"`,
    `on_crash = "destroy"`,
    `disk = [ ${g.disks.map((d) => `'${d}'`).join(', ')} ]`,
    `extra = "${GUEST_CMDLINE} lab_action=${g.action} lab_disks=${(g.guestDisks ?? ['xvda']).join(',')} lab_poweroff=${g.poweroff === false ? 0 : 1}${g.then ? ' lab_then=' + g.then : ''}"`,
    ...(g.extra ?? []),
    '',
  ].join('\n');
}

export async function xlCreate(h: Host, g: GuestSpec, timeoutMs = 120_000): Promise<RunResult> {
  await h.sh(`mkdir -p /etc/xen/lab && rm -f /var/log/xen/console/guest-${g.name}.log && cat > /etc/xen/lab/${g.name}.cfg`, {
    stdin: guestConfig(g),
  });
  return h.run(`xl create /etc/xen/lab/${g.name}.cfg`, { timeoutMs });
}

export async function guestConsole(h: Host, name: string): Promise<string> {
  return (await h.run(`cat /var/log/xen/console/guest-${name}.log 2>/dev/null`)).stdout;
}

export async function waitGuestDone(h: Host, name: string, timeoutMs = 120_000): Promise<string> {
  const r = await h.waitFor(
    `cat /var/log/xen/console/guest-${name}.log 2>/dev/null`,
    (x) => /LAB-GUEST done rc=\d+/.test(x.stdout),
    timeoutMs,
    `guest ${name} done`,
  );
  return r.stdout;
}

/**
 * Waits until a `hold` guest has seen its disk (its console says so). A shutdown request that
 * comes before the guest's init made /sbin/poweroff is lost: the guest then holds on for good.
 */
export async function waitGuestHolding(h: Host, name: string, timeoutMs = 120_000): Promise<void> {
  await h.waitFor(
    `cat /var/log/xen/console/guest-${name}.log`,
    (x) => /LAB-GUEST disk=xvda op=hold rc=0/.test(x.stdout),
    timeoutMs,
    `guest ${name} sees xvda`,
  );
}

export async function domainExists(h: Host, name: string): Promise<boolean> {
  return (await h.run(`xl domid ${name}`)).code === 0;
}

export async function waitDomainGone(h: Host, name: string, timeoutMs = 90_000): Promise<void> {
  await h.waitFor(`xl domid ${name}`, (r) => r.code !== 0, timeoutMs, `domain ${name} gone`);
}

export function guestResults(consoleText: string): { disk: string; op: string; sha256: string; rc: string }[] {
  const out: { disk: string; op: string; sha256: string; rc: string }[] = [];
  for (const m of consoleText.matchAll(/LAB-GUEST disk=(\S+) op=(\S+) sha256=([0-9a-f]+) rc=(\d+)/g)) {
    out.push({ disk: m[1]!, op: m[2]!, sha256: m[3]!, rc: m[4]! });
  }
  return out;
}

/** Backend xenstore dir(s) of a running domain's vbds: backend/vbd/<domid>/<devid> → keys. */
export async function vbdBackendKeys(h: Host, name: string): Promise<Record<string, Record<string, string>>> {
  const domid = (await h.sh(`xl domid ${name}`)).trim();
  const out: Record<string, Record<string, string>> = {};
  const devs = (await h.run(`xenstore-list /local/domain/0/backend/vbd/${domid}`)).stdout.split('\n').filter(Boolean);
  for (const dev of devs) {
    const ls = (await h.sh(`xenstore-ls -f /local/domain/0/backend/vbd/${domid}/${dev}`)).split('\n');
    const keys: Record<string, string> = {};
    for (const l of ls) {
      const m = /^\S+\/([^/\s]+) = "(.*)"$/.exec(l);
      if (m) keys[m[1]!] = m[2]!;
    }
    out[dev] = keys;
  }
  return out;
}

export async function hotplugLog(h: Host): Promise<string> {
  return (
    await h.run('cat /var/log/xen/xen-hotplug.log 2>/dev/null; for f in /var/log/xen/xl-*.log; do echo "== $f"; cat "$f"; done 2>/dev/null')
  ).stdout;
}

/** The interesting part of a failed `xl create`: libxl's "script: ..." (hotplug-error) lines first. */
export function xlError(r: RunResult): string {
  const lines = `${r.stdout}\n${r.stderr}`
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const script = lines.filter((l) => /script:|hotplug|block-drbd|drbd/i.test(l));
  const pick = script.length ? script : lines.filter((l) => /error|fail/i.test(l));
  return pick.slice(0, 4).join(' | ');
}

/**
 * Live-migrates a guest with `xl migrate` without sshd: a one-shot socat on the destination's
 * replication address runs `xl migrate-receive`; the sender's transport (`-s ''` makes xl run
 * the "host" argument as the command) is socat to that address.
 */
export async function xlMigrate(from: Host, to: Host, name: string, timeoutMs = 240_000): Promise<RunResult> {
  const port = 8002;
  await to.sh(
    // Listening before the sender connects: polled (at most 5 s) rather than a fixed sleep.
    `nohup socat TCP-LISTEN:${port},bind=${to.replIp},reuseaddr EXEC:'xl migrate-receive' >>/var/log/lab/migrate-receive.log 2>&1 & ` +
      `for i in $(seq 50); do ss -Hltn "sport = :${port}" | grep -q . && break; sleep 0.1; done`,
  );
  return from.run(`xl migrate -s '' ${name} 'socat - TCP:${to.replIp}:${port}'`, { timeoutMs });
}

/** The host's replication NIC: the one carrying 10.99.0.0/24 (hosts.ts), checked to be one name. */
export async function replicationNic(h: Host): Promise<string> {
  const nic = (await h.sh(`ip -o -4 addr show to 10.99.0.0/24 | awk '{print $2}'`)).trim();
  if (!/^\w+$/.test(nic)) throw new Error(`host ${h.name}: no single replication NIC on 10.99.0.0/24: ${JSON.stringify(nic)}`);
  return nic;
}

/** DRBD 9: whether every volume of `res` has quorum on this host (`drbdsetup status --json`). */
export async function hasQuorum(h: Host, res: string): Promise<boolean> {
  const [s] = JSON.parse(await h.sh(STATUS9(res))) as { devices: { quorum?: boolean }[] }[];
  return (s?.devices ?? []).every((d) => d.quorum !== false);
}

/** DRBD 9: waits until the host's quorum for `res` is `want`. */
export async function waitQuorum(h: Host, res: string, want: boolean, timeoutMs = 90_000): Promise<void> {
  await h.waitFor(
    STATUS9(res),
    (r) => {
      try {
        const [s] = JSON.parse(r.stdout) as { devices: { quorum?: boolean }[] }[];
        return (s?.devices ?? []).length > 0 && s!.devices.every((d) => (d.quorum !== false) === want);
      } catch {
        return false;
      }
    },
    timeoutMs,
    `${res} quorum ${want ? 'gained' : 'lost'} on ${h.name}`,
  );
}
