// `npm run bench:lab`: times `block-drbd add` and `remove` in lab dom0 A (Xen 4.17 + DRBD 8.4
// under qemu TCG) for our dist/block-drbd versus Debian's bash script, in one lab run, on the
// same host and the same resource r0, alternating. The scripts run the way libxl runs them,
// without xl: a fake backend dir is written into the real xenstored (the keys libxl writes, see
// docs/xen-hotplug.md §3), then `XENBUS_PATH=backend/vbd/<domid>/<devid> XENBUS_TYPE=vbd
// XENBUS_BASE_PATH=backend <script> add`, timed inside dom0 with bash's $EPOCHREALTIME (no
// extra process), then `remove`, then the backend dir is removed. After every round r0 must
// be Secondary again. Also timed for context: `/bin/true`, `node -e 0`, and the floor under our
// remove (node from an empty start-up snapshot and the children remove needs); and levers for our
// script's start-up: node --jitless, --single-threaded, and the plain bundle without the start-up
// snapshot that the package builds (src/startup-snapshot).
// Results: bench/results/lab-hotplug.md (also printed).
// Options: BENCH_ROUNDS (default 20), BENCH_LEVER_ROUNDS (default 10).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Lab, REPO_ROOT, type Host } from '../test/lab/lib/lab';
import { R0, createResource, role } from '../test/lab/lib/drbd';
import { formatTable } from '../test/lab/lib/report';
import { EMPTY_SNAPSHOT_EXIT, emptySnapshotMain } from './empty-snapshot';

const ROUNDS = Number(process.env.BENCH_ROUNDS || 20);
const LEVER_ROUNDS = Number(process.env.BENCH_LEVER_ROUNDS || 10);
const OUT = path.join(REPO_ROOT, 'bench', 'results', 'lab-hotplug.md');
const DIR = '/root/bench';

// One round for one script: fake backend, timed add, checks, timed remove, checks, cleanup.
// Prints "RES <variant> <op> <microseconds> <rc> <role> <extra>" and "RAN <variant> <path run>".
// The script under test is $hp, never $script: libxl exports script=<the backend's script key>,
// and so does this round; a round that kept the script under test in $script ran ours in every
// "debian" round (bench/results/lab-hotplug.md says what that voided). remove follows add at once:
// nothing in dom0 (no udev, blkback unbound) opens /dev/drbd0 in between.
const ROUND_SH = `#!/bin/bash
v=$1; hp=$2
domid=99; devid=51712; BP=backend/vbd/$domid/$devid; FE=/local/domain/$domid
xenstore-rm $BP 2>/dev/null; xenstore-rm $FE 2>/dev/null
xenstore-write $BP/params r0 $BP/script $hp $BP/type phy $BP/mode w \\
  $BP/frontend-id $domid $BP/online 1 $BP/removable 0 $BP/bootable 1 $BP/state 1 $BP/dev xvda \\
  $BP/device-type disk $BP/discard-enable 1 $BP/specification xen $BP/frontend $FE/device/vbd/$devid
# The frontend domain's name and vm only: without a frontend device dir, dom0's blkback does not
# bind to this fake backend (probe fails "missing other end"), so it never opens /dev/drbd0.
xenstore-write $FE/name benchvm $FE/vm /vm/00000000-0000-4000-8000-0000000000$domid
export XENBUS_PATH=$BP XENBUS_TYPE=vbd XENBUS_BASE_PATH=backend script=$hp
t0=\${EPOCHREALTIME/./}; $hp add > ${DIR}/last-add.out 2>&1; rc=$?; t1=\${EPOCHREALTIME/./}
echo "RES \${v// /_} add $((t1 - t0)) $rc $(drbdadm role r0) $(xenstore-read $BP/physical-device 2>/dev/null || echo no-physical-device)"
[ $rc = 0 ] || { echo "ADD-OUTPUT $(tr '\\n' ' ' < ${DIR}/last-add.out)"; }
xenstore-write $BP/online 0 $BP/state 6
t0=\${EPOCHREALTIME/./}; $hp remove > ${DIR}/last-remove.out 2>&1; rc=$?; t1=\${EPOCHREALTIME/./}
echo "RES \${v// /_} remove $((t1 - t0)) $rc $(drbdadm role r0) -"
[ $rc = 0 ] || { echo "REMOVE-OUTPUT $(tr '\\n' ' ' < ${DIR}/last-remove.out)"; }
echo "RAN \${v// /_} $hp"
xenstore-rm $BP; xenstore-rm $FE
drbdadm secondary r0 2>/dev/null; true
`;

// Times a plain command N times in dom0: prints "RES <variant> run <us> <rc>". Fd 3 is open on a
// scratch file for every run, so `flock -x -w 1 3` locks as ours does (its fd handed to flock(1)).
const PLAIN_SH = `#!/bin/bash
v=$1; n=$2; shift 2
for i in $(seq 1 $n); do
  t0=\${EPOCHREALTIME/./}; "$@" >/dev/null 2>&1 3<>${DIR}/floor.lock; rc=$?; t1=\${EPOCHREALTIME/./}
  echo "RES $v run $((t1 - t0)) $rc"
done
`;

/**
 * Context: what a process start costs, and the floor under our `remove` on 8.4 (the `floor` rows):
 * node started from a snapshot with nothing to run but loading the built-ins every run needs (Node 18
 * cannot keep net and child_process in a snapshot: src/scripts/start.ts), plus the children remove
 * cannot do without (the hotplug lock, the demotion, the syslog line) and the one that finds the
 * resource's minor (`show`). `exit`: the code every run must return.
 */
interface ContextRow {
  readonly row: string;
  readonly label: string;
  readonly cmd: string;
  readonly exit: number;
  readonly floor?: true;
}

const CONTEXT: readonly ContextRow[] = [
  { row: '/bin/true', label: 'true', cmd: '/bin/true', exit: 0 },
  { row: 'node -e 0', label: 'node-e0', cmd: 'node -e 0', exit: 0 },
  {
    row: 'node from an empty start-up snapshot',
    label: 'node-empty',
    cmd: `node --snapshot-blob ${DIR}/empty.blob`,
    exit: EMPTY_SNAPSHOT_EXIT,
  },
  {
    row: 'node from an empty start-up snapshot, loading net and child_process',
    label: 'node-empty-io',
    cmd: `node --snapshot-blob ${DIR}/empty-io.blob`,
    exit: EMPTY_SNAPSHOT_EXIT,
    floor: true,
  },
  { row: 'flock -x -w 1 3 (the hotplug lock)', label: 'flock', cmd: 'flock -x -w 1 3', exit: 0, floor: true },
  { row: 'drbdsetup-84 show r0 (the minor)', label: 'show', cmd: '/lib/drbd/drbdsetup-84 show r0', exit: 0, floor: true },
  {
    row: 'drbdsetup-84 secondary 0 (already Secondary)',
    label: 'secondary',
    cmd: '/lib/drbd/drbdsetup-84 secondary 0',
    exit: 0,
    floor: true,
  },
  {
    row: 'logger -t block-drbd (the syslog line)',
    label: 'logger',
    cmd: 'logger -t block-drbd -p daemon.notice bench-floor',
    exit: 0,
    floor: true,
  },
];
const FLOOR_ROWS = CONTEXT.filter((c) => c.floor).map((c) => c.row);

interface Sample {
  variant: string;
  op: string;
  ms: number;
  rc: number;
  role: string;
  extra: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function parse(out: string): Sample[] {
  const res: Sample[] = [];
  for (const l of out.split('\n')) {
    const m = /^RES (\S+) (\S+) (\d+) (\d+)(?: (\S+))?(?: (\S+))?/.exec(l);
    if (m)
      res.push({
        variant: m[1]!.replace(/_/g, ' '),
        op: m[2]!,
        ms: Number(m[3]) / 1000,
        rc: Number(m[4]),
        role: m[5] ?? '',
        extra: m[6] ?? '',
      });
  }
  return res;
}

async function main(): Promise<number> {
  const date = new Date().toISOString();
  const log = (l: string) => process.stdout.write(l + '\n');
  const samples: Sample[] = [];
  const problems: string[] = [];
  const notes: string[] = [];
  let lab: Lab | undefined;
  try {
    lab = await Lab.start({ script: 'dist', log });
    const A: Host = lab.hosts.A;
    await createResource(lab, R0);
    log(`r0 created; A ${await role(A, 'r0')}`);
    await A.sh(`mkdir -p ${DIR} && cat > ${DIR}/round.sh && chmod 755 ${DIR}/round.sh`, { stdin: ROUND_SH });
    await A.sh(`cat > ${DIR}/plain.sh && chmod 755 ${DIR}/plain.sh`, { stdin: PLAIN_SH });
    const nodeVersion = (await A.sh('node --version')).trim();
    const shebang = (await A.sh('head -n 1 /etc/xen/scripts/block-drbd')).trim();
    notes.push(
      `dom0 node ${nodeVersion}; dist/block-drbd shebang \`${shebang}\`; Debian's script: /etc/xen/scripts/block-drbd.debian (bash)`,
    );

    // Runs rounds (one [variant, script] each) in one dom0 job and checks every one of them.
    const rounds = async (list: [string, string][]): Promise<void> => {
      const cmd = list.map(([v, sc]) => `${DIR}/round.sh '${v}' ${sc}`).join('; ');
      const r = await A.run(cmd, { timeoutMs: 120_000 * list.length, job: true });
      const got = parse(r.stdout);
      samples.push(...got);
      for (const l of r.stdout.split('\n').filter((x) => /-OUTPUT/.test(x))) problems.push(l.slice(0, 300));
      for (const [v] of list) {
        const mine = got.filter((x) => x.variant === v);
        for (const x of mine) {
          const ok = x.rc === 0 && (x.op === 'add' ? x.role.startsWith('Primary/') : x.role.startsWith('Secondary/'));
          if (!ok) problems.push(`${v}: ${x.op} rc=${x.rc}, role after ${x.op} ${x.role}`);
        }
      }
      // Each round must have run the script it was given (see ROUND_SH).
      const ran = r.stdout.split('\n').filter((l) => l.startsWith('RAN '));
      for (const l of ran) {
        const [, v, p] = l.split(' ');
        const want = list.find(([x]) => x.replace(/ /g, '_') === v)?.[1];
        if (p !== want) problems.push(`${v}: round ran ${p}, not ${want}`);
      }
      if (ran.length !== list.length) problems.push(`${ran.length} RAN lines for ${list.length} rounds`);
      if (got.length !== 2 * list.length)
        problems.push(`job output incomplete (rc=${r.code}): ${r.stdout.slice(-300)} ${r.stderr.slice(-300)}`);
      for (let i = 0; i + 1 < got.length; i += 2) {
        const [a, b] = [got[i]!, got[i + 1]!];
        log(
          `  ${a.variant.padEnd(22)} add ${a.ms.toFixed(0).padStart(5)} ms rc=${a.rc} ${a.role} ${a.extra} | remove ${b.ms.toFixed(0).padStart(5)} ms rc=${b.rc} ${b.role}`,
        );
      }
    };

    // Context: process start costs, and the floor under remove (r0 is Secondary here).
    for (const [name, main] of [
      ['empty', emptySnapshotMain()],
      ['empty-io', emptySnapshotMain(['net', 'child_process'])],
    ]) {
      await A.sh(`cat > ${DIR}/${name}.js && node --snapshot-blob ${DIR}/${name}.blob --build-snapshot ${DIR}/${name}.js`, {
        stdin: main,
        timeoutMs: 120_000,
      });
    }
    for (const c of CONTEXT) {
      const r = await A.run(`${DIR}/plain.sh ${c.label} 10 ${c.cmd}`, { timeoutMs: 300_000, job: true });
      const runs = parse(r.stdout);
      for (const x of runs) if (x.rc !== c.exit) problems.push(`${c.row}: exit ${x.rc}, want ${c.exit}`);
      // Only runs that returned what they must are timed.
      const got = runs.filter((x) => x.rc === c.exit).map((x) => ({ ...x, variant: c.row, rc: 0 }));
      samples.push(...got);
      log(`  ${c.row}: median ${median(got.map((x) => x.ms)).toFixed(0)} ms over ${got.length}`);
    }

    // Main comparison: alternating, first one then the other, order flipped every round.
    log(`main comparison: ${ROUNDS} rounds each, alternating`);
    const pairs: [string, string][] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const pair: [string, string][] = [
        ['dist', '/etc/xen/scripts/block-drbd'],
        ['debian', '/etc/xen/scripts/block-drbd.debian'],
      ];
      if (i % 2) pair.reverse();
      pairs.push(...pair);
    }
    for (let i = 0; i < pairs.length; i += 10) await rounds(pairs.slice(i, i + 10));

    // Levers: wrappers that exec node with extra flags on the same bundle. `dist` starts from the
    // start-up snapshot the package built at boot (its launcher checked, noted below); the plain
    // bundle through one sh is what it would cost without.
    const BUNDLE = '/etc/xen/scripts/block-drbd';
    const snapshots = await A.run('xen-drbd startup-snapshot --status');
    notes.push(`start-up snapshots in dom0 (xen-drbd startup-snapshot --status): ${snapshots.stdout.trim().replace(/\n/g, '; ')}`);
    const wrappers: [string, string][] = [
      ['node --jitless', `exec node --jitless ${BUNDLE} "$@"`],
      ['node --single-threaded', `exec node --single-threaded ${BUNDLE} "$@"`],
      ['plain bundle (sh, node, no start-up snapshot)', `exec node ${BUNDLE} "$@"`],
    ];
    for (const [name, body] of wrappers) {
      const file = `${DIR}/w-${name.replace(/[^a-z0-9]+/gi, '-')}`;
      await A.sh(`cat > ${file} && chmod 755 ${file}`, { stdin: `#!/bin/sh\n${body}\n` });
      // One probe first: the flag must be accepted and the script must work (add → Primary).
      log(`lever: ${name} (${LEVER_ROUNDS} rounds)`);
      const before = problems.length;
      await rounds([[name, file]]);
      if (problems.length > before) {
        notes.push(`${name}: does not work: ${problems.slice(before).join(' | ').slice(0, 300)}`);
        continue;
      }
      await rounds(Array.from({ length: LEVER_ROUNDS - 1 }, () => [name, file] as [string, string]));
    }
    log(`final roles: A ${await role(A, 'r0')}, B ${await role(lab.hosts.B, 'r0')}`);
  } catch (e) {
    problems.push(`bench aborted: ${(e as Error).message}`);
    log(`bench aborted: ${(e as Error).stack}`);
  } finally {
    await lab?.stop();
  }

  // Report.
  const med = (v: string, op: string) => median(samples.filter((s) => s.variant === v && s.op === op && s.rc === 0).map((s) => s.ms));
  const count = (v: string, op: string) => samples.filter((s) => s.variant === v && s.op === op).length;
  const bashAdd = med('debian', 'add');
  const bashRem = med('debian', 'remove');
  const rows: string[][] = [];
  const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '—');
  const ratio = (x: number, b: number) => (Number.isFinite(x) && Number.isFinite(b) ? (x / b).toFixed(2) + '×' : '—');
  for (const v of [
    'debian',
    'dist',
    ...new Set(samples.map((s) => s.variant).filter((v) => !['debian', 'dist', ...CONTEXT.map((c) => c.row)].includes(v))),
  ]) {
    const label = v === 'debian' ? "Debian's bash block-drbd" : v === 'dist' ? 'dist/block-drbd (ours)' : `ours via ${v}`;
    rows.push([`${label} add`, fmt(med(v, 'add')), ratio(med(v, 'add'), bashAdd), String(count(v, 'add'))]);
    rows.push([`${label} remove`, fmt(med(v, 'remove')), ratio(med(v, 'remove'), bashRem), String(count(v, 'remove'))]);
  }
  for (const { row: v } of CONTEXT) rows.push([v, fmt(med(v, 'run')), ratio(med(v, 'run'), bashRem), String(count(v, 'run'))]);
  const floor = FLOOR_ROWS.reduce((sum, v) => sum + med(v, 'run'), 0);
  const addRatio = med('dist', 'add') / bashAdd;
  const remRatio = med('dist', 'remove') / bashRem;
  const verdict = [
    `add: ours ${fmt(med('dist', 'add'))} ms vs bash ${fmt(bashAdd)} ms = ${addRatio.toFixed(3)}× (target ≤ 1.0×): ${addRatio <= 1.0 ? 'MET' : 'NOT MET'}`,
    `remove: ours ${fmt(med('dist', 'remove'))} ms vs bash ${fmt(bashRem)} ms = ${remRatio.toFixed(3)}× (target ≤ 1.5×): ${remRatio <= 1.5 ? 'MET' : 'NOT MET'}`,
    `remove's floor on 8.4 (the sum of the medians of: ${FLOOR_ROWS.join('; ')}): ${fmt(floor)} ms = ${ratio(floor, bashRem)} bash's remove, before any of our code runs`,
  ];
  const table = formatTable('block-drbd add/remove in lab dom0 A (median wall ms, TCG)', ['what', 'median ms', 'ratio to bash', 'n'], rows);
  const md = [
    "# block-drbd add/remove: ours vs Debian's bash script, in the Xen lab",
    '',
    `- Date: ${date}`,
    '- Command: `npm run bench:lab` (= `npm run build && tsx bench/lab-hotplug.ts`)' +
      (ROUNDS !== 20 || LEVER_ROUNDS !== 10 ? ` with BENCH_ROUNDS=${ROUNDS} BENCH_LEVER_ROUNDS=${LEVER_ROUNDS}` : '') +
      (process.env.LAB_DIST_DIR
        ? `; run as \`LAB_DIST_DIR=${process.env.LAB_DIST_DIR} npx tsx bench/lab-hotplug.ts\` on a copy of dist/ from \`npm run build\``
        : ''),
    `- Where: dom0 of lab host A (Xen 4.17, Debian 12 dom0, DRBD 8.4, qemu TCG, 1 vCPU), resource r0 connected to host B, both UpToDate.`,
    '- How: fake backend dir `backend/vbd/99/51712` written with xenstore-write (keys as libxl writes them, `type=phy`), then',
    '  `XENBUS_PATH=backend/vbd/99/51712 XENBUS_TYPE=vbd XENBUS_BASE_PATH=backend <script> add`, timed in dom0 with bash `$EPOCHREALTIME`,',
    '  then `remove`; after each round r0 must be Secondary again. Main comparison alternates the two scripts (order flipped each round).',
    '  Levers run our bundle through a `#!/bin/sh` wrapper `exec node <flags> /etc/xen/scripts/block-drbd "$@"`: node on the plain bundle, as ours starts without its start-up snapshot (the "plain bundle" row; ours goes through sh too, its launcher).',
    '- Results written before 2026-11-22 11:00 UTC are void: their round script ran our script in the "debian" rounds too (see ROUND_SH in bench/lab-hotplug.ts), so both rows measured ours ("1.00×").',
    ...notes.map((n) => `- ${n}`),
    '',
    '| what | median ms | ratio to bash (add or remove; context rows: to remove) | n |',
    '|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    ...verdict.map((v) => `- ${v}`),
    ...(problems.length ? ['', '## Problems seen', '', ...problems.slice(0, 30).map((p) => `- ${p}`)] : []),
    '',
  ].join('\n');
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, md);
  console.log(table);
  console.log(verdict.join('\n'));
  console.log(`\nwritten: ${path.relative(REPO_ROOT, OUT)}`);
  if (problems.length) console.log(`problems:\n${problems.slice(0, 30).join('\n')}`);
  return samples.some((s) => s.variant === 'dist') && samples.some((s) => s.variant === 'debian') ? 0 : 1;
}

main().then(
  (c) => process.exit(c),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
