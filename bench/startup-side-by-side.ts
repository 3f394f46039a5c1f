// `npm run bench:side-by-side`: our dist/block-drbd against Debian's bash block-drbd, natively (no
// qemu), run as libxl runs them, on Debian 12's own userland and nodejs 18.20.4 (built without
// Node's start-up snapshot, as a dom0 has it) and on this machine's Node 20 (an upstream build).
//
// Where: the lab's Debian 12 root (test/lab builds it; read only here), entered with chroot(8) for
// every run of either script, inside a private mount namespace
// of its own (it runs itself again under `unshare --mount --propagation private`): there, and nowhere else, the root is
// seen through an overlay whose upper layer is scratch, a scratch directory is bound over its /tmp,
// tmpfs over its /run and /var/log/xen, /proc mounted, and the stand-ins bound over its drbdadm,
// drbdsetup-84 and logger. Nothing of the root is written. Ours runs as installed
// (/usr/libexec/xen-drbd/block-drbd, from the start-up snapshot `xen-drbd startup-snapshot`
// builds there) and as a copy in /tmp, which its launcher starts on the plain bundle.
// In that root: bash, Debian's real xenstore-* clients and Xen 4.17's hotplug helpers
// (xen-utils-common: xen-hotplug-common.sh, locking.sh, logging.sh, block-common.sh, ...; the ones
// /etc/xen/scripts/block-drbd sources from its own directory), next to Debian's block-drbd (from
// drbd-utils, in test/fixtures/debian's cache). Both scripts talk to one test xenstored
// (test/support/xenstored.ts, XENSTORED_PATH) and to the same shell stand-ins
// (bench/side-by-side/). Ours runs at the real host paths (lock, ledger, log), with three test
// seams only: /proc/drbd, the device nodes' directory, none of which changes a decision.
//
// Ours also runs from a snapshot built by Node 20, in a second overlay view of the root whose
// /usr/bin/node is a copy of Node 20 (what a dom0 with an upstream nodejs would run), and each
// round measures the floor: bash, and each node started empty (`-e 0`, and from an empty start-up
// snapshot), to show what no change to our code can go below.
// What: per round and per script, in an order rotated every round: one `add` (r0), one `remove`,
// then 16 `add`s at once (r0..r15, 16 domains, one hotplug lock), then their 16 `remove`s. Every run
// must exit 0; after an add the backend must have physical-device 93:N and hotplug-status
// connected and the resource must be Primary, after a remove Secondary: a round that fails stops
// the benchmark. Times are wall-clock from spawn to exit of `chroot ROOT SCRIPT ACTION`.
// Results: bench/results/startup-side-by-side.md (also printed). BENCH_ROUNDS (default 12);
// BENCH_COMPARE=FILE: another build of block-drbd (an earlier commit's), measured beside ours under
// Debian's nodejs, so that a change is kept only if it pays.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TestXenstored } from '../test/support/xenstored';
import { EMPTY_SNAPSHOT_EXIT, emptySnapshotMain } from './empty-snapshot';

const REPO = resolve(__dirname, '..');
const ROOT = process.env.XEN_DRBD_LAB_CACHE ? join(process.env.XEN_DRBD_LAB_CACHE, 'rootfs') : '/var/cache/xen-drbd-lab/rootfs';
const DEBIAN_CACHE = process.env.XEN_DRBD_DEBIAN_CACHE || '/var/cache/xen-drbd-debian';
const ROUNDS = Number(process.env.BENCH_ROUNDS || 12);
const STORM = 16;
const OUT = join(REPO, 'bench', 'results', 'startup-side-by-side.md');
// What /etc/xen/scripts/block-drbd (Debian's) sources, directly or through block-common.sh.
const HELPERS = ['block-common.sh', 'xen-hotplug-common.sh', 'xen-script-common.sh', 'locking.sh', 'logging.sh', 'hotplugpath.sh'];
const STANDINS = join(REPO, 'bench', 'side-by-side');
const FIXED_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';
const COMPARE = process.env.BENCH_COMPARE;
const INSTALLED = '/usr/libexec/xen-drbd/block-drbd';

interface Variant {
  readonly name: string;
  /** The script's path inside the root. */
  readonly script: string;
  readonly env: (n: number) => NodeJS.ProcessEnv;
  /** Runs in the Node 20 view of the root (see prepare) rather than the root itself. */
  readonly node20Root?: true;
}

// Where the Node 20 view of the root is mounted: set by prepare().
let root20 = '';
const rootOf = (v: Variant) => (v.node20Root ? root20 : ROOT);

const oursEnv = (path: string) => (n: number) => ({
  PATH: path,
  XEN_DRBD_TEST_SEAMS: '1',
  XEN_DRBD_PROC_DRBD: `/tmp/state/proc-drbd-r${n}`,
  XEN_DRBD_DEV_DIR: '/tmp/dev',
});

const VARIANTS: Variant[] = [
  { name: "Debian's bash block-drbd", script: '/tmp/debian/block-drbd', env: () => ({ PATH: FIXED_PATH }) },
  // As installed: the bundle at its path, started from the snapshot `xen-drbd startup-snapshot` built.
  { name: 'ours, Debian nodejs 18.20.4, from its start-up snapshot', script: INSTALLED, env: oursEnv(FIXED_PATH) },
  // A copy elsewhere: its launcher finds no snapshot of it and starts node on the plain bundle.
  { name: 'ours, Debian nodejs 18.20.4, no snapshot', script: '/tmp/ours/block-drbd', env: oursEnv(FIXED_PATH) },
  { name: `ours, Node ${process.version}, no snapshot`, script: '/tmp/ours/block-drbd', env: oursEnv(`/tmp/node20:${FIXED_PATH}`) },
  { name: `ours, Node ${process.version}, from its start-up snapshot`, script: INSTALLED, env: oursEnv(FIXED_PATH), node20Root: true },
  ...(COMPARE ? [{ name: `${COMPARE}, Debian nodejs 18.20.4`, script: '/tmp/compare/block-drbd', env: oursEnv(FIXED_PATH) }] : []),
];

function sh(argv: string[]): void {
  const r = spawnSync(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`'${argv.join(' ')}' failed (${r.status ?? r.signal})`);
}

// The mounts below must never reach the host: this script runs itself again under unshare(1), in a
// private mount namespace that ends with it.
const IN_NAMESPACE = 'XEN_DRBD_BENCH_NAMESPACE';

function inOwnNamespace(): boolean {
  const outer = process.env[IN_NAMESPACE];
  if (outer !== undefined) {
    if (outer === readlinkSync('/proc/self/ns/mnt')) throw new Error('unshare left this process in the mount namespace it started in');
    return true;
  }
  const self = [...process.execArgv, __filename];
  const r = spawnSync('unshare', ['--mount', '--propagation', 'private', process.execPath, ...self], {
    stdio: 'inherit',
    env: { ...process.env, [IN_NAMESPACE]: readlinkSync('/proc/self/ns/mnt') },
  });
  process.exitCode = r.status ?? 1;
  return false;
}

function checkPlace(): void {
  for (const need of [join(ROOT, 'usr/bin/node'), join(ROOT, 'usr/bin/xenstore-read'), join(DEBIAN_CACHE, 'etc/xen/scripts/block-drbd')]) {
    if (!existsSync(need)) throw new Error(`${need} is missing: build the lab root (test/lab) and run test/fixtures/debian/fetch.sh`);
  }
  if (!existsSync(join(REPO, 'dist', 'block-drbd'))) throw new Error('dist/block-drbd is missing: npm run build');
}

/** The scratch directory (the root's /tmp) and the namespace's mounts. */
function prepare(): string {
  const work = mkdtempSync('/tmp/xd-side-by-side-');
  // The root seen through an overlay (its upper layer scratch): the snapshot's hard links to the
  // root's node and to our installed bundle need one mount for all three, and the root stays unwritten.
  const layer = `${work}.layer`;
  for (const d of ['', 'upper', 'work']) mkdirSync(join(layer, d));
  sh(['mount', '-t', 'overlay', 'overlay', '-o', `lowerdir=${ROOT},upperdir=${layer}/upper,workdir=${layer}/work`, ROOT]);
  for (const d of ['debian', 'ours', 'compare', 'node20', 'state', 'dev']) mkdirSync(join(work, d));
  if (COMPARE) {
    copyFileSync(COMPARE, join(work, 'compare', 'block-drbd'));
    sh(['chmod', '0755', join(work, 'compare', 'block-drbd')]);
  }
  copyFileSync(join(DEBIAN_CACHE, 'etc/xen/scripts/block-drbd'), join(work, 'debian', 'block-drbd'));
  for (const h of HELPERS) copyFileSync(join(ROOT, 'etc/xen/scripts', h), join(work, 'debian', h));
  copyFileSync(join(REPO, 'dist', 'block-drbd'), join(work, 'ours', 'block-drbd'));
  mkdirSync(join(ROOT, 'usr/libexec/xen-drbd'), { recursive: true });
  for (const exe of ['block-drbd', 'xen-drbd']) copyFileSync(join(REPO, 'dist', exe), join(ROOT, 'usr/libexec/xen-drbd', exe));
  sh(['chmod', '0755', join(work, 'debian', 'block-drbd'), join(work, 'ours', 'block-drbd'), join(ROOT, INSTALLED)]);
  writeFileSync(join(work, 'node20', 'node'), '');
  for (let n = 0; n < STORM; n++) sh(['mknod', join(work, 'dev', `drbd${n}`), 'b', '147', String(n)]);
  sh(['mount', '--bind', work, join(ROOT, 'tmp')]);
  // Onto the root's view: a bind of `work` does not carry mounts made inside it.
  sh(['mount', '--bind', process.execPath, join(ROOT, 'tmp', 'node20', 'node')]);
  sh(['mount', '-t', 'tmpfs', 'tmpfs', join(ROOT, 'run')]);
  sh(['mount', '-t', 'tmpfs', 'tmpfs', join(ROOT, 'var/log/xen')]);
  sh(['mount', '-t', 'proc', 'proc', join(ROOT, 'proc')]);
  for (const tool of ['usr/sbin/drbdadm', 'lib/drbd/drbdsetup-84']) sh(['mount', '--bind', join(STANDINS, 'drbd'), join(ROOT, tool)]);
  sh(['mount', '--bind', join(STANDINS, 'logger'), join(ROOT, 'usr/bin/logger')]);
  // Every resource Secondary, written by the stand-in itself (the one place its format lives).
  for (let n = 0; n < STORM; n++) sh(['chroot', ROOT, '/usr/sbin/drbdadm', 'secondary', `r${n}`]);
  // Each variant must run the node it is named after (env(1) skips a node it cannot execute).
  for (const [path, version] of [
    [FIXED_PATH, 'v18.20.4'],
    [`/tmp/node20:${FIXED_PATH}`, process.version],
  ]) {
    const seen = String(spawnSync('chroot', [ROOT, '/usr/bin/env', `PATH=${path}`, 'node', '-p', 'process.version']).stdout).trim();
    if (seen !== version) throw new Error(`PATH=${path}: node is ${seen || 'not runnable'}, want ${version}`);
  }
  buildInstalledSnapshot(ROOT);
  prepareNode20Root(work);
  prepareFloors();
  return work;
}

/**
 * What a dom0 with an upstream nodejs would run: the root seen through an overlay of its own, whose
 * /usr/bin/node is a copy of this machine's Node 20, with the same scratch, state, logs and stand-ins,
 * and block-drbd's snapshot built there by that node.
 */
function prepareNode20Root(work: string): void {
  root20 = `${work}.root20`;
  const layer = `${work}.layer20`;
  for (const d of [root20, layer, join(layer, 'upper'), join(layer, 'work')]) mkdirSync(d);
  // Lower: the first view as it now is (our executables in place); its mounts are not carried over.
  sh(['mount', '-t', 'overlay', 'overlay', '-o', `lowerdir=${ROOT},upperdir=${layer}/upper,workdir=${layer}/work`, root20]);
  copyFileSync(process.execPath, join(root20, 'usr/bin/node'));
  for (const d of ['tmp', 'run', 'var/log/xen', 'usr/sbin/drbdadm', 'lib/drbd/drbdsetup-84', 'usr/bin/logger']) {
    sh(['mount', '--bind', join(ROOT, d), join(root20, d)]);
  }
  sh(['mount', '-t', 'proc', 'proc', join(root20, 'proc')]);
  const seen = String(spawnSync('chroot', [root20, '/usr/bin/node', '-p', 'process.version']).stdout).trim();
  if (seen !== process.version) throw new Error(`the Node 20 view's /usr/bin/node is ${seen || 'not runnable'}, want ${process.version}`);
  buildInstalledSnapshot(root20);
}

/** block-drbd's snapshot in `root`, built as the package's postinst builds it, then read back: the launcher must choose it. */
function buildInstalledSnapshot(root: string): void {
  const snapshot = ['chroot', root, '/usr/bin/node', '/usr/libexec/xen-drbd/xen-drbd', 'startup-snapshot'];
  sh([...snapshot, INSTALLED]);
  const status = String(spawnSync(snapshot[0] as string, [...snapshot.slice(1), '--status', INSTALLED]).stdout).trim();
  if (status !== 'block-drbd: starts from its snapshot') throw new Error(`the start-up snapshot in ${root} is not used: ${status}`);
}

// ---- the floor: what starting a process costs before any of our code runs

interface Floor {
  readonly name: string;
  readonly argv: readonly string[];
  readonly exit: number;
}

const FLOORS: readonly Floor[] = [
  { name: "Debian's bash, `bash -c :`", argv: ['/bin/bash', '-c', ':'], exit: 0 },
  { name: 'Debian nodejs 18.20.4, `node -e 0`', argv: ['/usr/bin/node', '-e', '0'], exit: 0 },
  {
    name: 'Debian nodejs 18.20.4, from an empty start-up snapshot',
    argv: ['/usr/bin/node', '--snapshot-blob', '/tmp/floor/empty-18.blob'],
    exit: EMPTY_SNAPSHOT_EXIT,
  },
  { name: `Node ${process.version}, \`node -e 0\``, argv: ['/tmp/node20/node', '-e', '0'], exit: 0 },
  {
    name: `Node ${process.version}, from an empty start-up snapshot`,
    argv: ['/tmp/node20/node', '--snapshot-blob', '/tmp/floor/empty-20.blob'],
    exit: EMPTY_SNAPSHOT_EXIT,
  },
];
const FLOOR_RUNS_PER_ROUND = 3;

function prepareFloors(): void {
  mkdirSync(join(ROOT, 'tmp', 'floor'));
  writeFileSync(join(ROOT, 'tmp', 'floor', 'empty.js'), emptySnapshotMain());
  for (const [node, blob] of [
    ['/usr/bin/node', '/tmp/floor/empty-18.blob'],
    ['/tmp/node20/node', '/tmp/floor/empty-20.blob'],
  ] as const) {
    sh(['chroot', ROOT, node, '--snapshot-blob', blob, '--build-snapshot', '/tmp/floor/empty.js']);
  }
}

function runFloor(f: Floor): Promise<number> {
  return new Promise((done, fail) => {
    const start = process.hrtime.bigint();
    const child = spawn('chroot', [ROOT, ...f.argv], { env: { PATH: FIXED_PATH }, stdio: 'ignore' });
    child.on('error', fail);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (code === f.exit) done(ms);
      else fail(new Error(`${f.name}: exit ${code}, want ${f.exit}`));
    });
  });
}

function role(work: string, n: number): string {
  const m = /ro:(\w+)\//.exec(readFileSync(join(work, 'state', `proc-drbd-r${n}`), 'utf8'));
  return m?.[1] ?? 'unreadable';
}

const backend = (n: number) => `backend/vbd/${n + 1}/51712`;

function writeBackend(xs: TestXenstored, n: number, script: string): void {
  const be = backend(n);
  const domid = String(n + 1);
  for (const [k, v] of Object.entries({
    params: `r${n}`,
    script,
    type: 'phy',
    mode: 'w',
    'frontend-id': domid,
    online: '1',
    state: '2',
    dev: 'xvda',
    'device-type': 'disk',
    frontend: `/local/domain/${domid}/device/vbd/51712`,
  })) {
    xs.set(`${be}/${k}`, v);
  }
  xs.set(`/local/domain/${domid}/name`, `bench${domid}`);
  xs.set(`/local/domain/${domid}/vm`, `/vm/00000000-0000-4000-8000-${domid.padStart(12, '0')}`);
}

function dropBackend(xs: TestXenstored, n: number): void {
  const prefixes = [TestXenstored.absolute(backend(n)), `/local/domain/${n + 1}`];
  for (const k of [...xs.tree.keys()]) if (prefixes.some((p) => k === p || k.startsWith(`${p}/`))) xs.tree.delete(k);
}

/** One run as libxl makes it: argv[1] the action, its environment, stdin /dev/null; milliseconds. */
function run(xs: TestXenstored, v: Variant, action: 'add' | 'remove', n: number): Promise<number> {
  const env = {
    ...v.env(n),
    XENSTORED_PATH: '/tmp/xs.sock',
    XENBUS_PATH: backend(n),
    XENBUS_TYPE: 'vbd',
    XENBUS_BASE_PATH: 'backend',
    script: v.script,
  };
  return new Promise((done, fail) => {
    const start = process.hrtime.bigint();
    const child = spawn('chroot', [rootOf(v), v.script, action], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (code === 0) done(ms);
      else
        fail(
          new Error(
            `${v.name} ${action} r${n} exited ${code}: ${stderr.trim()}\nhotplug-error: ${xs.get(`${backend(n)}/hotplug-error`)}\nxen-hotplug.log ends:\n${logTail()}`,
          ),
        );
    });
  });
}

// Where bash's stderr goes (xen-hotplug-common.sh's exec 2>>), and our lines too.
function logTail(): string {
  const log = join(ROOT, 'var/log/xen/xen-hotplug.log');
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-15).join('\n') : '(none)';
}

function checkAdded(xs: TestXenstored, work: string, v: Variant, n: number): void {
  const be = backend(n);
  const seen = [xs.get(`${be}/physical-device`), xs.get(`${be}/hotplug-status`), role(work, n)];
  const want = [`93:${n.toString(16)}`, 'connected', 'Primary'];
  if (seen.join() !== want.join()) throw new Error(`${v.name} add r${n}: saw ${seen.join(', ')}, want ${want.join(', ')}`);
}

function checkRemoved(work: string, v: Variant, n: number): void {
  if (role(work, n) !== 'Secondary') throw new Error(`${v.name} remove r${n}: r${n} is ${role(work, n)}, want Secondary`);
}

async function add(xs: TestXenstored, work: string, v: Variant, ns: number[]): Promise<number> {
  for (const n of ns) writeBackend(xs, n, v.script);
  const start = process.hrtime.bigint();
  await Promise.all(ns.map((n) => run(xs, v, 'add', n)));
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  for (const n of ns) checkAdded(xs, work, v, n);
  return ms;
}

// libxl's order: online=0 and Closed, the script, then the directories go.
async function remove(xs: TestXenstored, work: string, v: Variant, ns: number[]): Promise<number> {
  for (const n of ns) {
    xs.set(`${backend(n)}/online`, '0');
    xs.set(`${backend(n)}/state`, '6');
  }
  const start = process.hrtime.bigint();
  await Promise.all(ns.map((n) => run(xs, v, 'remove', n)));
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  for (const n of ns) {
    checkRemoved(work, v, n);
    dropBackend(xs, n);
  }
  return ms;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

const OPS = ['add', 'remove', 'add+remove', `${STORM} adds at once`, `${STORM} removes at once`] as const;
type Op = (typeof OPS)[number];

async function main(): Promise<void> {
  if (!inOwnNamespace()) return;
  checkPlace();
  const work = prepare();
  const xs = new TestXenstored(join(work, 'xs.sock'));
  await xs.start();
  const times = new Map<string, Record<Op, number[]>>(VARIANTS.map((v) => [v.name, Object.fromEntries(OPS.map((o) => [o, []])) as never]));
  const floors = new Map<string, number[]>(FLOORS.map((f) => [f.name, []]));
  const all = [...Array(STORM).keys()];
  let runs = 0;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length] as Variant);
      for (const v of order) {
        const t = times.get(v.name) as Record<Op, number[]>;
        const a = await add(xs, work, v, [0]);
        const r = await remove(xs, work, v, [0]);
        t.add.push(a);
        t.remove.push(r);
        t['add+remove'].push(a + r);
        t[`${STORM} adds at once`].push(await add(xs, work, v, all));
        t[`${STORM} removes at once`].push(await remove(xs, work, v, all));
        runs += 2 + 2 * STORM;
      }
      for (let i = 0; i < FLOOR_RUNS_PER_ROUND; i++) {
        for (let k = 0; k < FLOORS.length; k++) {
          const f = FLOORS[(k + round + i) % FLOORS.length] as Floor;
          floors.get(f.name)?.push(await runFloor(f));
          runs++;
        }
      }
      process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
    }
  } finally {
    // Also after a failed round: the scratch directory goes with the namespace's last mount in it.
    await xs.stop();
    // The overlays and all mounted on them, in this namespace only; the Node 20 view first (ROOT is its lower).
    if (root20) spawnSync('umount', ['--recursive', root20]);
    spawnSync('umount', ['--recursive', ROOT]);
    for (const d of [work, `${work}.layer`, `${work}.layer20`, `${work}.root20`]) rmSync(d, { recursive: true, force: true });
  }
  writeFileSync(OUT, report(times, floors, runs));
  process.stdout.write(readFileSync(OUT, 'utf8'));
}

function report(times: Map<string, Record<Op, number[]>>, floors: Map<string, number[]>, runs: number): string {
  const bash = times.get(VARIANTS[0]!.name) as Record<Op, number[]>;
  const node18 = spawnSync('chroot', [
    ROOT,
    '/usr/bin/node',
    '-p',
    'process.version + " snapshot:" + process.config.variables.node_use_node_snapshot',
  ]);
  const row = (name: string, f: (op: Op, t: Record<Op, number[]>) => string) =>
    `| ${name} | ${OPS.map((o) => f(o, times.get(name) as Record<Op, number[]>)).join(' | ')} |`;
  const lines = [
    "# block-drbd natively, side by side: ours vs Debian's bash script",
    '',
    `- Date: ${new Date().toISOString()}; ${ROUNDS} rounds, the scripts' order rotated every round; ${runs} runs, each checked (exit 0, keys, role).`,
    "- Command: `npm run bench:side-by-side` (= `npm run build && tsx bench/startup-side-by-side.ts`, as root; see the file's head for what it sets up).",
    `- Run as: \`${[`BENCH_ROUNDS=${ROUNDS}`, ...(COMPARE ? [`BENCH_COMPARE=${COMPARE}`] : [])].join(' ')} nice -n 19 npx tsx bench/startup-side-by-side.ts\` after \`npm run build\`, at commit ${String(spawnSync('git', ['-C', REPO, 'rev-parse', '--short', 'HEAD']).stdout).trim()}.`,
    `- Node: Debian's ${String(node18.stdout).trim()} (chroot's /usr/bin/node); ${process.version} snapshot:${String((process.config.variables as Record<string, unknown>).node_use_node_snapshot)} (this machine's, bound into the root).`,
    `- Machine: ${readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? '?'}, ${String(spawnSync('nproc').stdout).trim()} cores, shared with other work: read the ratios, not the times.`,
    '',
    '## Medians, ms',
    '',
    `| script | ${OPS.join(' | ')} |`,
    `|---|${OPS.map(() => '---:').join('|')}|`,
    ...VARIANTS.map((v) => row(v.name, (o, t) => median(t[o]).toFixed(0))),
    '',
    "## Ratio to Debian's bash script (medians)",
    '',
    `| script | ${OPS.join(' | ')} |`,
    `|---|${OPS.map(() => '---:').join('|')}|`,
    ...VARIANTS.slice(1).map((v) => row(v.name, (o, t) => `${(median(t[o]) / median(bash[o])).toFixed(2)}×`)),
    '',
    '## The floor: starting the process, before any of our code (medians, ms)',
    '',
    `Each ${FLOOR_RUNS_PER_ROUND} times per round, started as the scripts are (\`chroot ROOT …\`), interleaved with them. An empty start-up snapshot's main only sets exit code ${EMPTY_SNAPSHOT_EXIT}, which every run of it returned.`,
    '',
    "| process | median | p90 | n | against Debian's bash `remove` |",
    '|---|---:|---:|---:|---:|',
    ...FLOORS.map((f) => {
      const xs = floors.get(f.name) as number[];
      const p90 = [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))] as number;
      return `| ${f.name} | ${median(xs).toFixed(0)} | ${p90.toFixed(0)} | ${xs.length} | ${(median(xs) / median(bash.remove)).toFixed(2)}× |`;
    }),
    '',
  ];
  return lines.join('\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
