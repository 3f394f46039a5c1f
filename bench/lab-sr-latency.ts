// `npm run bench:sr` (issue #6): per-command latency of the built SR driver dist/DrbdlvmSR on the
// lab's real DRBD 8.4 + LVM, in xapi's call orders (test/support/sr-sequencer.ts) against the XenAPI
// simulator, set up as scenario 17 does. Each call is timed inside dom0 by the bash that starts the
// driver ($EPOCHREALTIME around the process only, test/lab/lib/sr-lab.ts), and the driver records its
// own child processes and XenAPI calls (DRBDLVM_TIMINGS, src/drbdlvm-sr/timings.ts). Node's start-up is
// timed the same way, through the driver's exec chain (`env -i PATH=… /usr/bin/env node -e 0`; the
// driver's shebang is `#!/usr/bin/env node`). So a call's wall time splits into child processes,
// XenAPI calls, Node start-up and our code (the rest, bundle loading included).
// The same rounds run natively first, on this machine, against the stand-ins for drbdadm and lvm
// (test/support/sr-pool.ts): TCG makes Node start in ~3 s, natively the target can be judged.
// A round: sr_get_driver_info; vdi_create and vdi_delete of a 4 MiB VDI; on A a VM start
// (vdi_epoch_begin, vdi_attach, vdi_activate) and shutdown (vdi_deactivate, vdi_detach,
// vdi_epoch_end) on one VDI, the SR's only one (vdi_activate reads every VDI of the SR from xapi);
// the start and shutdown on B too in the first --rounds-b rounds.
// Options: --rounds=N (default 20), --rounds-b=N (default 10). LAB_DIST_DIR pins the executables.
// Results: bench/results/lab-sr-latency.md (also printed).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { encodeMethodCall } from '../src/drbdlvm-sr/xmlrpc-encode';
import { decodeMethodResponse } from '../src/drbdlvm-sr/xmlrpc-decode';
import { R0, createResource } from '../test/lab/lib/drbd';
import { DIST_DIR, Lab, REPO_ROOT, type Host } from '../test/lab/lib/lab';
import { LAB_LVM_CONFIG, LabSrPool, XAPI_PATH, configureLvm, parseSpan, type DriverSpan, type TimedCall } from '../test/lab/lib/sr-lab';
import {
  SrPool,
  driverParams,
  faultText,
  outcome,
  type CallOptions,
  type DriverPool,
  type HostName,
  type Step,
  type Vdi,
} from '../test/support/sr-pool';
import { seamEnv } from '../test/support/seams';
import { addVm, srCreate, vdiCreate, vmShutdown, vmStart } from '../test/support/sr-sequencer';

const option = (name: string, dflt: number): number => {
  const a = process.argv.slice(2).find((x) => x.startsWith(`--${name}=`));
  const n = a === undefined ? dflt : Number(a.slice(name.length + 3));
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} wants a whole number, got ${a}`);
  return n;
};
const ROUNDS = option('rounds', 20);
const ROUNDS_B = Math.min(ROUNDS, option('rounds-b', 10));
const OUT = path.join(REPO_ROOT, 'bench', 'results', 'lab-sr-latency.md');
const MiB = 1024n * 1024n;
const TARGET_MS = 200;

type Where = 'lab' | 'native';
interface Sample {
  where: Where;
  /** -1: set-up (sr_create, sr_attach, the VDI the VM uses). */
  round: number;
  host: HostName;
  command: string;
  wallMs: number;
  /** Wall time covered by child processes. */
  childMs: number;
  /** Wall time covered by XenAPI calls and not by a child process. */
  xapiMs: number;
  nChild: number;
  nXapi: number;
  spans: readonly DriverSpan[];
}

const log = (l: string) => process.stdout.write(`[bench] ${l}\n`);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Nearest-rank 90th percentile. */
function p90(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.ceil(0.9 * s.length) - 1]! : NaN;
}

/** How much of the timeline the spans cover: XenAPI calls made in parallel count once. */
function covered(spans: readonly DriverSpan[]): number {
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of spans.map((s) => [s.startMs, s.startMs + s.ms] as const).sort((x, y) => x[0] - y[0])) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}

function sample(where: Where, round: number, c: TimedCall): Sample {
  const children = c.spans.filter((s) => s.kind === 'child');
  const childMs = covered(children);
  return {
    where,
    round,
    host: c.host,
    command: c.command,
    wallMs: c.wallMs,
    childMs,
    xapiMs: covered(c.spans) - childMs,
    nChild: children.length,
    nXapi: c.spans.length - children.length,
    spans: c.spans,
  };
}

/**
 * The driver run natively on this machine as SrPool runs it (its stand-ins, its environment), but
 * from the pinned DIST_DIR and timed here around the process, with DRBDLVM_TIMINGS.
 */
class NativePool implements DriverPool {
  readonly timedCalls: TimedCall[] = [];
  constructor(
    private readonly pool: SrPool,
    private readonly dir: string,
  ) {}

  get sim() {
    return this.pool.sim;
  }

  async call(h: HostName, command: string, o: CallOptions = {}): Promise<Step> {
    const file = path.join(this.dir, `timings-${this.timedCalls.length}`);
    const xml = encodeMethodCall(command, [driverParams(this.sim, h, command, o)], 'xapi');
    const { wallMs, stdout, stderr, code } = await timedSpawn(
      path.join(DIST_DIR, 'DrbdlvmSR'),
      [xml],
      this.pool.env(h, seamEnv({ timings: file })),
    );
    this.pool.syncPeers();
    if (code !== 0 || stderr !== '') throw new Error(`DrbdlvmSR ${command} on ${h}: exit ${code}, stderr ${stderr}`);
    // No file: the call started no process and made no XenAPI call (vdi_epoch_begin).
    const lines = fs.existsSync(file)
      ? fs
          .readFileSync(file, 'utf8')
          .split('\n')
          .filter((l) => l !== '')
      : [];
    this.timedCalls.push({ host: h, command, wallMs, spans: lines.map(parseSpan) });
    return { host: h, command, response: await decodeMethodResponse(stdout) };
  }
}

function timedSpawn(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ wallMs: number; stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ wallMs: performance.now() - t0, stdout, stderr, code }));
  });
}

function ok(s: Step): Step {
  if (outcome(s) !== 'ok') throw new Error(`${s.host} ${s.command} answered ${outcome(s)}: ${faultText(s)}`);
  return s;
}
const allOk = (steps: Step[]) => steps.forEach(ok);

/** The rounds, on either pool; `take(round)` files the calls made since the last take. */
async function rounds(pool: DriverPool, take: (round: number) => void, tag: string): Promise<void> {
  allOk(await srCreate(pool));
  const { step, vdi } = await vdiCreate(pool, 4n * MiB, 'vm disk');
  ok(step);
  const vm = addVm(pool, vdi as Vdi);
  take(-1);
  for (let i = 0; i < ROUNDS; i++) {
    ok(await pool.call('A', 'sr_get_driver_info'));
    const created = await vdiCreate(pool, 4n * MiB, `bench ${i}`);
    ok(created.step);
    ok(await pool.call('A', 'vdi_delete', { vdi: created.vdi as Vdi }));
    for (const h of i < ROUNDS_B ? (['A', 'B'] as const) : (['A'] as const)) {
      allOk(await vmStart(pool, vm, h));
      allOk(await vmShutdown(pool, vm));
    }
    take(i);
    log(`${tag} round ${i + 1}/${ROUNDS} done`);
  }
}

/** `n` runs of Node's start-up through the driver's exec chain, timed in h's dom0; ms each. */
async function nodeStartLab(h: Host, n: number): Promise<number[]> {
  const r = await h.run(
    `for i in $(seq 1 ${n}); do t0=\${EPOCHREALTIME/./}; env -i PATH=${XAPI_PATH} /usr/bin/env node -e 0 </dev/null; rc=$?; t1=\${EPOCHREALTIME/./}; echo "NODE $((t1 - t0)) $rc"; done`,
    { job: true, timeoutMs: n * 60_000 },
  );
  const got = [...r.stdout.matchAll(/^NODE (\d+) (\d+)$/gm)];
  if (got.length !== n || got.some((m) => m[2] !== '0'))
    throw new Error(`node -e 0 on ${h.name}: ${r.stdout.slice(-300)} ${r.stderr.slice(-300)}`);
  return got.map((m) => Number(m[1]) / 1000);
}

async function nodeStartNative(env: NodeJS.ProcessEnv, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await timedSpawn('/usr/bin/env', ['node', '-e', '0'], env);
    if (r.code !== 0) throw new Error(`node -e 0: exit ${r.code} ${r.stderr}`);
    out.push(r.wallMs);
  }
  return out;
}

async function native(samples: Sample[], nodeStart: Map<string, number[]>): Promise<string> {
  const pool = await SrPool.start();
  const dir = fs.mkdtempSync(path.join(tmpdir(), 'sr-latency-'));
  try {
    const np = new NativePool(pool, dir);
    nodeStart.set('native A', await nodeStartNative(pool.env('A'), ROUNDS));
    let from = 0;
    await rounds(
      np,
      (round) => {
        samples.push(...np.timedCalls.slice(from).map((c) => sample('native', round, c)));
        from = np.timedCalls.length;
      },
      'native',
    );
    return (await timedSpawn('/usr/bin/env', ['node', '--version'], pool.env('A'))).stdout.trim();
  } finally {
    await pool.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function lab(samples: Sample[], nodeStart: Map<string, number[]>, notes: string[]): Promise<void> {
  const pool = await LabSrPool.start({ port: 0, timed: true });
  let l: Lab | undefined;
  try {
    l = await Lab.start({ script: 'dist', xapiPort: pool.port, log });
    // Scenario 17's resource: 160 MiB, both hosts Primary while the SR is attached.
    await createResource(l, { ...R0, volumes: [{ minor: 0, sizeMiB: 160 }], net: 'allow-two-primaries yes;' });
    await pool.connect(l);
    for (const h of Object.values(l.hosts)) {
      const config = await configureLvm(h);
      if (config.join('\n') !== LAB_LVM_CONFIG.join('\n')) throw new Error(`lvm.conf on ${h.name}: ${config.join(' ')}`);
    }
    const { A, B } = l.hosts;
    notes.push(
      `dom0 node ${(await A.sh('node --version')).trim()}, lvm ${(await A.sh("lvm version | sed -n 's/^ *LVM version: *//p'")).trim()}, ${(await A.sh("sed -n 's/^version: //p' /proc/drbd")).trim()}`,
    );
    nodeStart.set('lab A', await nodeStartLab(A, ROUNDS));
    log(`lab A: node start-up median ${median(nodeStart.get('lab A')!).toFixed(0)} ms`);
    if (ROUNDS_B > 0) nodeStart.set('lab B', await nodeStartLab(B, ROUNDS_B));
    let from = 0;
    await rounds(
      pool,
      (round) => {
        samples.push(...pool.timedCalls.slice(from).map((c) => sample('lab', round, c)));
        from = pool.timedCalls.length;
      },
      'lab',
    );
  } finally {
    if (l) {
      for (const h of Object.values(l.hosts))
        if (h.alive) fs.writeFileSync(path.join(l.runDir, `host${h.name}.SMlog`), (await h.run('cat /var/log/SMlog')).stdout);
      await l.stop();
    }
    await pool.stop();
  }
}

// --- the report ---------------------------------------------------------------------------------

const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '—');
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '—');

/** One row's numbers: the commands' samples of one round added up (attach+activate is two processes). */
interface Combined {
  wallMs: number;
  childMs: number;
  xapiMs: number;
  nChild: number;
  nXapi: number;
  processes: number;
}

function combine(samples: Sample[], where: Where, host: HostName, commands: string[]): Combined[] {
  const byRound = new Map<number, Sample[]>();
  for (const s of samples)
    if (s.where === where && s.host === host && s.round >= 0 && commands.includes(s.command))
      byRound.set(s.round, [...(byRound.get(s.round) ?? []), s]);
  return [...byRound.values()]
    .filter((ss) => ss.length === commands.length)
    .map((ss) => ({
      wallMs: ss.reduce((a, s) => a + s.wallMs, 0),
      childMs: ss.reduce((a, s) => a + s.childMs, 0),
      xapiMs: ss.reduce((a, s) => a + s.xapiMs, 0),
      nChild: ss.reduce((a, s) => a + s.nChild, 0),
      nXapi: ss.reduce((a, s) => a + s.nXapi, 0),
      processes: ss.length,
    }));
}

const ROWS: [string, string[]][] = [
  ['sr_get_driver_info', ['sr_get_driver_info']],
  ['vdi_create', ['vdi_create']],
  ['vdi_delete', ['vdi_delete']],
  ['vdi_epoch_begin (nil)', ['vdi_epoch_begin']],
  ['vdi_attach', ['vdi_attach']],
  ['vdi_activate', ['vdi_activate']],
  ['**vdi_attach + vdi_activate**', ['vdi_attach', 'vdi_activate']],
  ['vdi_deactivate', ['vdi_deactivate']],
  ['vdi_detach', ['vdi_detach']],
  ['**vdi_deactivate + vdi_detach**', ['vdi_deactivate', 'vdi_detach']],
];

/** Per row: median and p90 of wall, children, wall − children; medians of XenAPI time and of our code. */
function figures(cs: Combined[], nodeMs: number) {
  const col = (k: (c: Combined) => number) => cs.map(k);
  const outside = col((c) => c.wallMs - c.childMs);
  const ours = col((c) => c.wallMs - c.childMs - c.xapiMs - c.processes * nodeMs);
  return {
    n: cs.length,
    wall: [median(col((c) => c.wallMs)), p90(col((c) => c.wallMs))],
    child: [median(col((c) => c.childMs)), p90(col((c) => c.childMs))],
    xapi: median(col((c) => c.xapiMs)),
    outside: [median(outside), p90(outside)],
    ours: [median(ours), p90(ours)],
    nChild: median(col((c) => c.nChild)),
    nXapi: median(col((c) => c.nXapi)),
  };
}

/** What the calls of a command ran, per call: `what ×count median-ms`. */
function breakdown(samples: Sample[], where: Where, command: string): string {
  const calls = samples.filter((s) => s.where === where && s.host === 'A' && s.round >= 0 && s.command === command);
  const whats = [...new Set(calls.flatMap((c) => c.spans.map((s) => (s.kind === 'xapi' ? 'xapi' : s.what))))];
  if (whats.length === 0) return 'nothing';
  return whats
    .map((w) => {
      const per = calls.map((c) => c.spans.filter((s) => (s.kind === 'xapi' ? 'xapi' : s.what) === w));
      return `\`${w}\` ×${f0(median(per.map((p) => p.length)))} ${f0(median(per.map((p) => p.reduce((a, s) => a + s.ms, 0))))} ms`;
    })
    .join(', ');
}

function report(
  date: string,
  samples: Sample[],
  nodeStart: Map<string, number[]>,
  notes: string[],
  problems: string[],
): { md: string; verdict: string[] } {
  const nodeMed = (k: string) => median(nodeStart.get(k) ?? []);
  const table = (where: Where, host: HostName): string[] => {
    const nodeMs = nodeMed(`${where} ${host}`) || nodeMed(`${where} A`);
    return [
      `### ${where === 'lab' ? 'Lab (qemu TCG dom0)' : 'Native (this machine, stand-ins for drbdadm and lvm)'}, host ${host}: Node start-up median ${f0(nodeMs)} ms`,
      '',
      '| command | n | wall median / p90 | children median / p90 | XenAPI median | wall − children median / p90 | our code median / p90 | children / XenAPI calls per call |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
      ...ROWS.map(([label, commands]) => {
        const x = figures(combine(samples, where, host, commands), nodeMs);
        if (x.n === 0) return '';
        return `| ${label} | ${x.n} | ${f0(x.wall[0]!)} / ${f0(x.wall[1]!)} | ${f0(x.child[0]!)} / ${f0(x.child[1]!)} | ${f0(x.xapi)} | ${f0(x.outside[0]!)} / ${f0(x.outside[1]!)} | ${f0(x.ours[0]!)} / ${f0(x.ours[1]!)} | ${f0(x.nChild)} / ${f0(x.nXapi)} |`;
      }).filter((r) => r !== ''),
      '',
    ];
  };
  const target = (where: Where) => {
    const nodeMs = nodeMed(`${where} A`);
    const x = figures(combine(samples, where, 'A', ['vdi_attach', 'vdi_activate']), nodeMs);
    return { ...x, nodeMs };
  };
  const lab = target('lab');
  const nat = target('native');
  const verdict = [
    `Target: vdi_attach + vdi_activate under ${TARGET_MS} ms of driver time outside the LVM/DRBD commands (wall − children), host A, median.`,
    `Native (stand-ins for drbdadm/lvm, in-process XenAPI simulator): ${f0(nat.outside[0]!)} ms (p90 ${f0(nat.outside[1]!)}): ${nat.outside[0]! < TARGET_MS ? 'MET' : 'NOT MET'}; of it Node start-up 2 × ${f0(nat.nodeMs)} ms, XenAPI calls ${f0(nat.xapi)} ms (${f0(nat.nXapi)} calls), our code ${f0(nat.ours[0]!)} ms.`,
    `Lab, qemu TCG: ${f0(lab.outside[0]!)} ms (p90 ${f0(lab.outside[1]!)}): NOT MET as absolute wall time, nor can it be: two driver processes, each paying Node's start-up of ${f0(lab.nodeMs)} ms under TCG; XenAPI calls ${f0(lab.xapi)} ms (${f0(lab.nXapi)} calls, each through socat and qemu's guestfwd to the simulator); our code ${f0(lab.ours[0]!)} ms (p90 ${f0(lab.ours[1]!)}) for both calls together (bundle loading included, TCG-slow as well).`,
    `Under TCG "our code" is a small difference of large numbers: Node's start-up alone spreads from ${f0(Math.min(...(nodeStart.get('lab A') ?? [])))} to ${f0(Math.max(...(nodeStart.get('lab A') ?? [])))} ms on A; read it to a few hundred ms.`,
  ];
  const nodeRows = [...nodeStart.entries()].map(
    ([k, v]) => `| ${k} | ${v.length} | ${f0(median(v))} | ${f0(p90(v))} | ${v.map(f0).join(' ')} |`,
  );
  const md = [
    '# DrbdlvmSR per-command latency in the Xen lab (issue #6)',
    '',
    `- Date: ${date}`,
    '- Command: `npm run bench:sr` (= `npm run build && tsx bench/lab-sr-latency.ts`)' +
      (ROUNDS !== 20 || ROUNDS_B !== 10 ? ` with \`-- --rounds=${ROUNDS} --rounds-b=${ROUNDS_B}\`` : '') +
      (process.env.LAB_DIST_DIR ? ', executables pinned with LAB_DIST_DIR (a copy of that build)' : ''),
    "- Lab: two hosts (Xen 4.17, Debian 12 dom0, qemu TCG, 1 vCPU each), r0 160 MiB with allow-two-primaries, the SR attached on both (Primary/Primary), set up as scenario 17; the driver run as xapi runs it (`env -i PATH=… ORIGINATOR=SM /lab/dist/DrbdlvmSR <methodCall>`), xapi being the simulator in the runner (reached through socat and qemu's guestfwd).",
    '- Native: the same rounds on this machine with test/support/sr-pool.ts (the stand-ins for drbdadm and lvm are Node scripts: their time is in "children" and is excluded below), the XenAPI simulator on a Unix socket in the bench process.',
    `- A round: sr_get_driver_info on A; vdi_create + vdi_delete of a 4 MiB VDI on A (the master); a VM start (vdi_epoch_begin, vdi_attach, vdi_activate) and shutdown (vdi_deactivate, vdi_detach, vdi_epoch_end) on A, and on B in the first ${ROUNDS_B} rounds; the SR holds one VDI during the starts. ${ROUNDS} rounds.`,
    "- wall: the driver process, timed by the bash that starts it in dom0 (`$EPOCHREALTIME`, no extra process; natively: from spawn to close in the bench). children: the time the driver spent in its child processes (lvm, drbdsetup, flock, logger, ...), XenAPI: in XenAPI calls not overlapping a child, both recorded by the driver itself (`DRBDLVM_TIMINGS`, src/drbdlvm-sr/timings.ts: one line per child process and XenAPI call, on the driver's clock, from just before spawning to the result). Node start-up: `env -i PATH=… /usr/bin/env node -e 0`, the driver's exec chain, timed the same way. our code = wall − children − XenAPI − Node start-up median per process.",
    ...notes.map((n) => `- ${n}`),
    '',
    '## Verdict',
    '',
    ...verdict.map((v) => `- ${v}`),
    '',
    '## Per command (ms)',
    '',
    ...table('lab', 'A'),
    ...(ROUNDS_B > 0 ? table('lab', 'B') : []),
    ...table('native', 'A'),
    '## What the calls ran (lab, host A, per call: count and median ms)',
    '',
    '| command | child processes and XenAPI calls |',
    '|---|---|',
    ...['sr_get_driver_info', 'vdi_create', 'vdi_attach', 'vdi_activate', 'vdi_deactivate', 'vdi_detach'].map(
      (c) => `| ${c} | ${breakdown(samples, 'lab', c)} |`,
    ),
    '',
    '## Node start-up (ms)',
    '',
    '| where | n | median | p90 | samples |',
    '|---|---:|---:|---:|---|',
    ...nodeRows,
    ...(problems.length ? ['', '## Problems seen', '', ...problems.map((p) => `- ${p}`)] : []),
    '',
    '## Samples (ms)',
    '',
    '| # | where | round | host | command | wall | children | XenAPI | wall − children | children / XenAPI calls |',
    '|---:|---|---:|---|---|---:|---:|---:|---:|---:|',
    ...samples.map(
      (s, i) =>
        `| ${i + 1} | ${s.where} | ${s.round < 0 ? 'set-up' : s.round + 1} | ${s.host} | ${s.command} | ${f1(s.wallMs)} | ${f1(s.childMs)} | ${f1(s.xapiMs)} | ${f1(s.wallMs - s.childMs)} | ${s.nChild} / ${s.nXapi} |`,
    ),
    '',
  ].join('\n');
  return { md, verdict };
}

async function main(): Promise<number> {
  const date = new Date().toISOString();
  const samples: Sample[] = [];
  const nodeStart = new Map<string, number[]>();
  const notes: string[] = [`executables from ${path.relative(REPO_ROOT, DIST_DIR) || DIST_DIR}`];
  const problems: string[] = [];
  try {
    notes.push(`native: node ${await native(samples, nodeStart)} on ${process.arch}, ${cpus().length} cores`);
    await lab(samples, nodeStart, notes);
  } catch (e) {
    problems.push(`bench aborted: ${(e as Error).message}`);
    log(`bench aborted: ${(e as Error).stack}`);
  }
  const { md, verdict } = report(date, samples, nodeStart, notes, problems);
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, md);
  console.log(md.split('\n## Samples')[0]);
  console.log(verdict.join('\n'));
  console.log(`\nwritten: ${path.relative(REPO_ROOT, OUT)}`);
  return problems.length === 0 ? 0 : 1;
}

main().then(
  (c) => process.exit(c),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
