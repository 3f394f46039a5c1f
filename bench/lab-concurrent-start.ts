// `npm run bench:lab-many`: 16 domUs started at once on 16 DRBD resources, our dist/block-drbd
// versus Debian's (LINBIT's) bash block-drbd, in one lab run, on the same host (lab dom0 A, Xen
// 4.17 + DRBD 8.4 under qemu TCG, one vCPU) and the same resources r0..r15 (4 MiB each,
// connected to host B, both UpToDate, Secondary/Secondary).
//
// A round, for one script, is one bash script in dom0 A (bench/…/round.sh below, run as one
// agent request so that no job polling adds load during the measurement):
//   - create: all 16 `xl create` (guest csI on disk rI) started as background jobs of one
//     shell, `wait` for all; wall time from before the first start to after the last return
//     (bash $EPOCHREALTIME, no extra process). Then every resource must be Primary and every
//     domain must exist; unless --paused, the time until every guest's console shows that it
//     booted and sees its disk is recorded too;
//   - destroy: all 16 `xl destroy` started the same way, `wait`; wall time until all returned
//     and until all 16 resources are Secondary again.
// The guests are PVH, 96 MiB each, the lab's busybox initramfs ("hold": they boot, find xvda,
// idle). Each guest's only disk names the script under test: ours as `drbd:rI,xvda,w`
// (/etc/xen/scripts/block-drbd, ours through the .deb's divert), Debian's as
// `vdev=xvda,access=w,script=/etc/xen/scripts/block-drbd.debian,target=rI` (what `drbd:rI`
// expands to, with the other script; libxl writes the same backend keys, params=rI, type=phy).
// Rounds alternate ours / Debian's (order flipped each round). Before them, as context, one
// guest alone per script (same round script with 1 guest).
// Memory: Debian's 6.1 kernel is a 58 MiB segment that the domain builder loads at 16 MiB, so a
// PVH guest needs ≥ ~80 MiB (96 here), and 16 of them do not fit in the ~1000 MiB Xen has left
// with the lab's default 2048 MiB per host. And every `xl create` holds the kernel image in its
// own memory while it builds the domain (anon RSS 40-90 MiB each, seen in the OOM killer's
// reports): with the lab's 1024 MiB dom0 (~540 MiB available), 16 at once ran dom0 out of memory
// whichever script was used (xl processes and the agent killed). So host A's dom0 gets 3072 MiB
// and its qemu 5120 MiB (~2000 MiB left for the guests).
// Results: bench/results/lab-concurrent-start.md (also printed).
// Options: --rounds=N (per script, default 5), --guests=N (default 16), --guest-mem=MiB (96),
// --dom0-mem=MiB (3072), --host-mem=MiB (5120), --paused (`xl create -p`: guests built but
// never run), --no-single (skip the one-guest context rounds), --until=HH:MM (UTC: no new pair of
// rounds that would end later, at the last pair's pace), --dom0-vcpus=N (host A's qemu -smp N and
// Xen dom0_max_vcpus=N, default 1; host B keeps 1), --append (append this run's report to the
// results file as a new section instead of rewriting it).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Lab, REPO_ROOT } from '../test/lab/lib/lab';
import { guestConfig, resourceConfig, type ResourceSpec } from '../test/lab/lib/drbd';

function opt(name: string, dflt: string): string {
  const a = process.argv.find((x) => x === `--${name}` || x.startsWith(`--${name}=`));
  if (!a) return dflt;
  return a.includes('=') ? a.slice(a.indexOf('=') + 1) : 'true';
}
const ROUNDS = Number(opt('rounds', '5'));
const N = Number(opt('guests', '16'));
const GUEST_MEM = Number(opt('guest-mem', '96'));
const DOM0_MEM = Number(opt('dom0-mem', '3072'));
const HOST_MEM = Number(opt('host-mem', '5120'));
const PAUSED = opt('paused', '') === 'true';
const SINGLE = opt('no-single', '') !== 'true';
const DOM0_VCPUS = Number(opt('dom0-vcpus', '1'));
const APPEND = opt('append', '') === 'true';
// --until=HH:MM (UTC): start no further pair of rounds that would, at the last pair's pace, end later.
const UNTIL = opt('until', '');
const OUT = path.join(REPO_ROOT, 'bench', 'results', 'lab-concurrent-start.md');
const DIR = '/root/cs';
const RES_MIB = 4;

type Variant = 'dist' | 'debian';
const VARIANTS: Variant[] = ['dist', 'debian'];
const LABEL: Record<Variant, string> = { dist: 'dist/block-drbd (ours)', debian: "Debian's bash block-drbd" };

function diskSpec(v: Variant, i: number): string {
  return v === 'dist' ? `drbd:r${i},xvda,w` : `vdev=xvda,access=w,script=/etc/xen/scripts/block-drbd.debian,target=r${i}`;
}

// One round in dom0: round.sh VARIANT N PAUSED(0|1). Prints "RES key value..." lines.
const ROUND_SH = `#!/bin/bash
v=$1; n=$2; paused=$3
D=${DIR}/out-$v-$n; rm -rf $D; mkdir -p $D
last=$((n - 1))
now() { echo \${EPOCHREALTIME/./}; }
exec {sl}<> <(:)              # sleep without a process: read -t on a pipe nobody writes
nap() { read -t "$1" -u $sl; true; }
for i in $(seq 0 $last); do rm -f /var/log/xen/console/guest-cs$i.log; done
oom0=$(dmesg | grep -ci 'out of memory')
# dom0's lowest MemAvailable over the round (kB), sampled every 0.5 s with builtins only.
( min=999999999; while :; do while read -r k val _; do if [ "$k" = MemAvailable: ]; then [ "$val" -lt "$min" ] && min=$val && echo $min > $D/memmin; break; fi; done < /proc/meminfo; nap 0.5; done ) &
sampler=$!
pflag=; [ "$paused" = 1 ] && pflag=-p
roles() { local out= line; while read -r line; do case $line in *ro:*) r=\${line#*ro:}; out="$out \${r%% *}";; esac; done < /proc/drbd; echo $out; }
count_role() { local c=0 line; while read -r line; do case $line in *ro:$1/*) c=$((c + 1));; esac; done < /proc/drbd; echo $c; }

# ---- create
pids=
t0=$(now)
for i in $(seq 0 $last); do
  ( s=\${EPOCHREALTIME/./}; xl create $pflag /etc/xen/lab/cs-$v-$i.cfg > $D/create-$i.out 2>&1; rc=$?; echo "$rc $(( \${EPOCHREALTIME/./} - s ))" > $D/create-$i.rc ) &
  pids="$pids $!"
done
wait $pids
t1=$(now)
echo "RES create_us $((t1 - t0))"
ok=0
for i in $(seq 0 $last); do
  read rc us < $D/create-$i.rc
  echo "RES create_guest $i $rc $us"
  if [ "$rc" = 0 ]; then ok=$((ok + 1)); else echo "RES create_err $i rc=$rc $(grep -v '^Parsing config\\|tsc mode' $D/create-$i.out | head -n 6 | tr '\\n' ' ' | cut -c1-600)"; fi
done
echo "RES create_ok $ok"
echo "RES primary_after_create $(count_role Primary)"
echo "RES roles_after_create $(roles)"
echo "RES domains_after_create $(xl list | grep -c '^cs[0-9]')"
be=$(xenstore-list /local/domain/0/backend/vbd 2>/dev/null | head -n 1)
if [ -n "$be" ]; then dev=$(xenstore-list /local/domain/0/backend/vbd/$be | head -n 1); B=/local/domain/0/backend/vbd/$be/$dev
  echo "RES backend_keys params=$(xenstore-read $B/params) type=$(xenstore-read $B/type) script=$(xenstore-read $B/script) physical-device=$(xenstore-read $B/physical-device 2>/dev/null) hotplug-status=$(xenstore-read $B/hotplug-status 2>/dev/null)"
fi
# ---- guests up (they print "LAB-GUEST disk=xvda op=hold rc=0" once they see their disk)
if [ "$paused" != 1 ]; then
  while :; do
    up=0
    for i in $(seq 0 $last); do
      [ -f /var/log/xen/console/guest-cs$i.log ] && while read -r line; do case $line in *"op=hold rc=0"*) up=$((up + 1)); break;; esac; done < /var/log/xen/console/guest-cs$i.log
    done
    [ $up -ge $ok ] && break
    [ $(( $(now) - t1 )) -gt 400000000 ] && break
    nap 1
  done
  t1b=$(now)
  echo "RES guests_up $up $((t1b - t0))"
fi
# ---- destroy
pids=
t2=$(now)
for i in $(seq 0 $last); do
  ( s=\${EPOCHREALTIME/./}; xl destroy cs$i > $D/destroy-$i.out 2>&1; rc=$?; echo "$rc $(( \${EPOCHREALTIME/./} - s ))" > $D/destroy-$i.rc ) &
  pids="$pids $!"
done
wait $pids
t3=$(now)
echo "RES destroy_us $((t3 - t2))"
for i in $(seq 0 $last); do
  read rc us < $D/destroy-$i.rc
  echo "RES destroy_guest $i $rc $us"
  [ "$rc" = 0 ] || echo "RES destroy_err $i $(head -n 6 $D/destroy-$i.out | tr '\\n' ' ' | cut -c1-600)"
done
while :; do
  [ $(count_role Secondary) -ge ${N} ] && break
  [ $(( $(now) - t3 )) -gt 90000000 ] && break
  nap 0.2
done
t4=$(now)
echo "RES secondary_us $(count_role Secondary) $((t4 - t2))"
echo "RES roles_after_destroy $(roles)"
echo "RES domains_after_destroy $(xl list | grep -c '^cs[0-9]')"
echo "RES backends_left $(xenstore-list /local/domain/0/backend/vbd 2>/dev/null | wc -l)"
kill $sampler 2>/dev/null; wait $sampler 2>/dev/null
echo "RES memmin_kb $(cat $D/memmin 2>/dev/null || echo -1)"
echo "RES oom_new $(( $(dmesg | grep -ci 'out of memory') - oom0 ))"
`;

// Puts things back after a round that left something behind (counted as a problem).
const CLEANUP_SH = `#!/bin/bash
for d in $(xl list | awk '/^cs[0-9]/ {print $1}'); do xl destroy $d; done
for i in $(seq 0 ${N - 1}); do drbdadm secondary r$i 2>/dev/null; done
for be in $(xenstore-list /local/domain/0/backend/vbd 2>/dev/null); do xenstore-rm /local/domain/0/backend/vbd/$be; done
cat /proc/drbd | grep -c 'ro:Secondary/'
`;

interface Round {
  variant: Variant;
  guests: number;
  index: number;
  kv: Record<string, string[]>;
  perGuestCreate: { i: number; rc: number; ms: number }[];
  perGuestDestroy: { i: number; rc: number; ms: number }[];
  errors: string[];
  createMs: number;
  createOk: number;
  primary: number;
  domains: number;
  upMs: number; // NaN when paused
  up: number;
  destroyMs: number;
  secondaryMs: number;
  secondary: number;
  memMinMiB: number;
  oom: number;
  ok: boolean;
}

const log = (l: string) => process.stdout.write(`[bench] ${l}\n`);
function median(xs: number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
const fmt = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '—');

function parseRound(variant: Variant, guests: number, index: number, out: string): Round {
  const kv: Record<string, string[]> = {};
  const perGuestCreate: Round['perGuestCreate'] = [];
  const perGuestDestroy: Round['perGuestDestroy'] = [];
  const errors: string[] = [];
  for (const l of out.split('\n')) {
    const m = /^RES (\S+) ?(.*)$/.exec(l);
    if (!m) continue;
    const [k, rest] = [m[1]!, m[2]!];
    const w = rest.split(' ');
    if (k === 'create_guest') perGuestCreate.push({ i: Number(w[0]), rc: Number(w[1]), ms: Number(w[2]) / 1000 });
    else if (k === 'destroy_guest') perGuestDestroy.push({ i: Number(w[0]), rc: Number(w[1]), ms: Number(w[2]) / 1000 });
    else if (k === 'create_err' || k === 'destroy_err')
      errors.push(`${k === 'create_err' ? 'xl create' : 'xl destroy'} cs${w[0]}: ${w.slice(1).join(' ')}`);
    else kv[k] = w;
  }
  const num = (k: string, i = 0) => (kv[k]?.[i] !== undefined && kv[k]![i] !== '' ? Number(kv[k]![i]) : NaN);
  const r: Round = {
    variant,
    guests,
    index,
    kv,
    perGuestCreate,
    perGuestDestroy,
    errors,
    createMs: num('create_us') / 1000,
    createOk: num('create_ok'),
    primary: num('primary_after_create'),
    domains: num('domains_after_create'),
    up: num('guests_up', 0),
    upMs: num('guests_up', 1) / 1000,
    destroyMs: num('destroy_us') / 1000,
    secondary: num('secondary_us', 0),
    secondaryMs: num('secondary_us', 1) / 1000,
    memMinMiB: num('memmin_kb') / 1024,
    oom: num('oom_new'),
    ok: false,
  };
  r.ok =
    r.createOk === guests &&
    r.primary === guests &&
    r.domains === guests &&
    (PAUSED || r.up === guests) &&
    perGuestDestroy.length === guests &&
    perGuestDestroy.every((d) => d.rc === 0) &&
    r.secondary === N &&
    num('domains_after_destroy') === 0 &&
    num('backends_left') === 0 &&
    r.oom === 0;
  return r;
}

async function main(): Promise<number> {
  const date = new Date().toISOString();
  const rounds: Round[] = [];
  const problems: string[] = [];
  const notes: string[] = [];
  let lab: Lab | undefined;
  try {
    lab = await Lab.start({
      script: 'dist',
      log,
      payloadBytes: 64 * 1024,
      memMiB: { A: HOST_MEM },
      dom0MemMiB: { A: DOM0_MEM },
      dom0Vcpus: { A: DOM0_VCPUS },
    });
    const { A, B } = lab.hosts;

    // ---- 16 resources r0..r15 (minor i, port 7789+i, 4 MiB loop file), both hosts.
    const specs: ResourceSpec[] = Array.from({ length: N }, (_, i) => ({
      name: `r${i}`,
      port: 7789 + i,
      volumes: [{ minor: i, sizeMiB: RES_MIB }],
    }));
    const disks: Record<string, string[][]> = {};
    await Promise.all(
      [A, B].map(async (h) => {
        const out = await h.sh(
          `mkdir -p /var/lib/lab && for i in $(seq 0 ${N - 1}); do f=/var/lib/lab/r$i-0.img; truncate -s ${RES_MIB}M $f && losetup --find --show $f || exit 1; done`,
          { timeoutMs: 120_000 },
        );
        const devs = out.split('\n').filter(Boolean);
        if (devs.length !== N) throw new Error(`host ${h.name}: ${devs.length} loop devices: ${out}`);
        disks[h.name] = devs.map((d) => [d]);
      }),
    );
    await Promise.all(
      [A, B].map(async (h) => {
        const files = specs
          .map(
            (s, i) =>
              `cat > /etc/drbd.d/${s.name}.res <<'EOF_RES'\n${resourceConfig(s, { A: disks.A![i]!, B: disks.B![i]! }, [A, B])}EOF_RES\n`,
          )
          .join('');
        await h.sh(
          `${files}for i in $(seq 0 ${N - 1}); do drbdadm create-md --force r$i >/dev/null 2>&1 && drbdadm up r$i || exit 1; done`,
          { timeoutMs: 600_000, job: true },
        );
      }),
    );
    const countIn = (re: RegExp) => (r: { stdout: string }) => (r.stdout.match(re) ?? []).length >= N;
    await Promise.all([A, B].map((h) => h.waitFor('cat /proc/drbd', countIn(/cs:Connected/g), 180_000, `${N} resources connected`)));
    // Initial sync as the lab's createResource does it (full sync from A; 4 MiB each is quick).
    await A.sh(`for i in $(seq 0 ${N - 1}); do drbdadm primary --force r$i || exit 1; done`, { timeoutMs: 300_000, job: true });
    await Promise.all(
      [A, B].map((h) => h.waitFor('cat /proc/drbd', countIn(/ds:UpToDate\/UpToDate/g), 300_000, `${N} resources UpToDate/UpToDate`)),
    );
    await A.sh(`for i in $(seq 0 ${N - 1}); do drbdadm secondary r$i || exit 1; done`, { timeoutMs: 300_000, job: true });
    await Promise.all(
      [A, B].map((h) => h.waitFor('cat /proc/drbd', countIn(/ro:Secondary\/Secondary/g), 60_000, `${N} resources Secondary/Secondary`)),
    );
    log(`${N} resources connected, UpToDate, Secondary/Secondary on both hosts`);

    // ---- guest configs and the round script.
    const cfgs = VARIANTS.flatMap((v) =>
      Array.from({ length: N }, (_, i) => {
        const cfg = guestConfig({ name: `cs${i}`, disks: [diskSpec(v, i)], action: 'hold', memoryMiB: GUEST_MEM });
        return `cat > /etc/xen/lab/cs-${v}-${i}.cfg <<'EOF_CFG'\n${cfg}EOF_CFG\n`;
      }),
    ).join('');
    await A.sh(`mkdir -p /etc/xen/lab ${DIR}\n${cfgs}cat > ${DIR}/round.sh <<'EOF_ROUND'\n${ROUND_SH}EOF_ROUND\nchmod 755 ${DIR}/round.sh`);
    await A.sh(`cat > ${DIR}/cleanup.sh && chmod 755 ${DIR}/cleanup.sh`, { stdin: CLEANUP_SH });
    const info = await A.sh(
      `echo "xen_free_mib=$(xl info | awk '/^free_memory/ {print $3}') dom0_avail_mib=$(awk '/MemAvailable/ {print int($2/1024)}' /proc/meminfo) node=$(node --version) ` +
        `same_bash_script=$(cmp -s /etc/xen/scripts/block-drbd.debian /etc/xen/scripts/block-drbd.drbd-utils && echo yes || echo no) ours=$(readlink -f /etc/xen/scripts/block-drbd)"`,
    );
    notes.push(`dom0 A before the rounds: ${info.trim()}`);
    log(info.trim());

    const runRound = async (v: Variant, guests: number, index: number): Promise<Round> => {
      // One agent request for the whole round: no job polling in dom0 while it is measured.
      const res = await A.run(`${DIR}/round.sh ${v} ${guests} ${PAUSED ? 1 : 0}`, { timeoutMs: 1_200_000, job: false });
      const r = parseRound(v, guests, index, res.stdout);
      rounds.push(r);
      const up = PAUSED ? '' : ` | up ${r.up}/${guests} at ${fmt(r.upMs / 1000, 1)} s`;
      log(
        `${index === 0 ? 'single' : `round ${index}`} ${v.padEnd(6)} ${guests} guests: create ${fmt(r.createMs / 1000, 1)} s (${r.createOk}/${guests} ok, ${r.primary} Primary, ${r.domains} domains)${up} | ` +
          `destroy ${fmt(r.destroyMs / 1000, 1)} s, all Secondary at ${fmt(r.secondaryMs / 1000, 1)} s | dom0 MemAvailable min ${fmt(r.memMinMiB)} MiB${r.oom ? ` | OOM ${r.oom}` : ''}${r.ok ? '' : ' | NOT OK'}`,
      );
      if (r.kv.backend_keys) log(`  backend keys: ${r.kv.backend_keys.join(' ')}`);
      for (const e of r.errors) log(`  ${e}`);
      if (!r.ok) {
        problems.push(
          `${v} ${index === 0 ? 'single' : `round ${index}`}: not clean (create ok ${r.createOk}/${guests}, Primary ${r.primary}, domains ${r.domains}, up ${r.up}, Secondary after destroy ${r.secondary}/${N}, OOM ${r.oom}, rc=${res.code}${res.timedOut ? ' timed out' : ''})${r.errors.length ? ': ' + r.errors.slice(0, 3).join(' | ') : ''}`,
        );
        if (!res.stdout.includes('RES memmin_kb'))
          problems.push(`round output incomplete: ${res.stdout.slice(-400)} ${res.stderr.slice(-400)}`);
        const c = await A.run(`${DIR}/cleanup.sh`, { timeoutMs: 300_000, job: true });
        log(`  cleanup: ${c.stdout.trim()} of ${N} Secondary`);
      }
      return r;
    };

    if (SINGLE) {
      for (const v of VARIANTS) await runRound(v, 1, 0);
    }
    let lastPairMs = 0;
    for (let i = 1; i <= ROUNDS; i++) {
      if (UNTIL) {
        const [hh, mm] = UNTIL.split(':').map(Number);
        const end = new Date();
        end.setUTCHours(hh!, mm!, 0, 0);
        if (Date.now() + lastPairMs > end.getTime()) {
          notes.push(`stopped after ${i - 1} rounds each: one more would end after --until=${UNTIL} UTC`);
          log(notes[notes.length - 1]!);
          break;
        }
      }
      const t = Date.now();
      const order = i % 2 ? VARIANTS : [...VARIANTS].reverse();
      for (const v of order) await runRound(v, N, i);
      lastPairMs = Date.now() - t;
    }
    const fin = await A.run('cat /proc/drbd | grep -c "ro:Secondary/Secondary"; free -m | head -2');
    notes.push(`after the rounds: ${fin.stdout.trim().split('\n')[0]} of ${N} resources Secondary/Secondary on A`);
  } catch (e) {
    problems.push(`bench aborted: ${(e as Error).message}`);
    log(`bench aborted: ${(e as Error).stack}`);
  } finally {
    await lab?.stop();
  }

  // ---- report
  const many = (v: Variant) => rounds.filter((r) => r.variant === v && r.guests === N);
  const single = (v: Variant) => rounds.filter((r) => r.variant === v && r.guests === 1);
  const okMany = (v: Variant) => many(v).filter((r) => r.ok);
  const med = (rs: Round[], k: 'createMs' | 'destroyMs' | 'secondaryMs' | 'upMs' | 'memMinMiB') => median(rs.map((r) => r[k]));
  const ratio = (k: 'createMs' | 'destroyMs' | 'secondaryMs' | 'upMs') => med(okMany('dist'), k) / med(okMany('debian'), k);
  const perGuest = (rs: Round[]) => rs.flatMap((r) => r.perGuestCreate.filter((g) => g.rc === 0).map((g) => g.ms));
  const args = process.argv.slice(2).join(' ');
  const cmd = process.env.LAB_DIST_DIR
    ? `\`LAB_DIST_DIR=${process.env.LAB_DIST_DIR} npx tsx bench/lab-concurrent-start.ts${args ? ' ' + args : ''}\` (a copy of dist/ from \`npm run build\`; \`npm run bench:lab-many\` = \`npm run build && tsx bench/lab-concurrent-start.ts\`)`
    : '`npm run bench:lab-many` (= `npm run build && tsx bench/lab-concurrent-start.ts`)' + (args ? `, arguments \`${args}\`` : '');
  const rowsSummary: string[] = [];
  for (const v of VARIANTS) {
    const all = many(v);
    const ok = okMany(v);
    rowsSummary.push(
      `| ${LABEL[v]} | ${fmt(med(ok, 'createMs'))} | ${fmt(median(perGuest(ok)))} | ${PAUSED ? '—' : fmt(med(ok, 'upMs'))} | ${fmt(med(ok, 'destroyMs'))} | ${fmt(med(ok, 'secondaryMs'))} | ${fmt(med(all, 'memMinMiB'))} | ${ok.length} of ${all.length} |`,
    );
  }
  const rat = (k: 'createMs' | 'destroyMs' | 'secondaryMs' | 'upMs') => (Number.isFinite(ratio(k)) ? ratio(k).toFixed(2) + '×' : '—');
  rowsSummary.push(
    `| ratio ours / bash | ${rat('createMs')} | ${fmt(median(perGuest(okMany('dist'))) / median(perGuest(okMany('debian'))), 2)}× | ${PAUSED ? '—' : rat('upMs')} | ${rat('destroyMs')} | ${rat('secondaryMs')} | | |`,
  );
  const singleRows = VARIANTS.map(
    (v) =>
      `| ${LABEL[v]} | ${single(v)
        .map((r) => fmt(r.createMs))
        .join(', ')} | ${single(v)
        .map((r) => fmt(r.destroyMs))
        .join(', ')} | ${single(v)
        .map((r) => fmt(r.secondaryMs))
        .join(', ')} | ${single(v).filter((r) => r.ok).length} of ${single(v).length} |`,
  );
  const sampleRows = rounds
    .filter((r) => r.guests === N)
    .map((r) => {
      const pg = r.perGuestCreate.filter((g) => g.rc === 0).map((g) => g.ms);
      return `| ${r.index} | ${r.variant} | ${fmt(r.createMs)} | ${r.createOk}/${N} | ${pg.length ? `${fmt(Math.min(...pg))} / ${fmt(median(pg))} / ${fmt(Math.max(...pg))}` : '—'} | ${r.primary} | ${r.domains} | ${PAUSED ? '—' : `${fmt(r.upMs)} (${r.up})`} | ${fmt(r.destroyMs)} | ${fmt(r.secondaryMs)} (${r.secondary}) | ${fmt(r.memMinMiB)} | ${r.ok ? 'yes' : '**no**'} |`;
    });
  const failures = rounds.filter((r) => !r.ok);
  const md = [
    `# ${N} domUs started at once on ${N} DRBD resources: ours vs Debian's bash block-drbd, in the Xen lab`,
    '',
    `- Date: ${date}`,
    `- Command: ${cmd}`,
    `- Where: dom0 of lab host A (Xen 4.17, Debian 12 dom0 with ${DOM0_MEM} MiB, DRBD 8.4.11, qemu TCG, **${DOM0_VCPUS} vCPU${DOM0_VCPUS === 1 ? '' : 's'}** shared by dom0 and every guest` +
      (DOM0_VCPUS === 1
        ? ''
        : ` (qemu \`-smp ${DOM0_VCPUS}\`, one host thread each; Xen \`dom0_max_vcpus=${DOM0_VCPUS}\`; host B keeps 1; the runner has ${os.cpus().length} cores for both hosts)`) +
      `), host A's qemu with ${HOST_MEM} MiB. ` +
      `${N} resources r0..r${N - 1} (${RES_MIB} MiB each, protocol C) connected to host B, UpToDate/UpToDate, Secondary/Secondary before every round.`,
    `- Guests: ${N} PVH domUs, ${GUEST_MEM} MiB, 1 vCPU, Debian's 6.1 kernel + the lab's busybox initramfs (they boot, find xvda, idle); guest csI's only disk is on rI. ` +
      (PAUSED
        ? 'Created paused (`xl create -p`): built and their disks attached (hotplug `add`), never run.'
        : 'Started normally (not paused): later creates run while the first guests boot.'),
    `- Disks: ours \`${diskSpec('dist', 0).replace('0', 'I')}\` (/etc/xen/scripts/block-drbd → dist/block-drbd, installed by the .deb); Debian's \`${diskSpec('debian', 0).replace(/0$/, 'I')}\` (LINBIT's script from drbd-utils 9.22). Same host, same resources, same guests.`,
    `- A round (one bash script in dom0, one agent request, timed with bash \`$EPOCHREALTIME\`): the ${N} \`xl create\` started as background jobs of one shell, \`wait\`: **create** = first start to last return; then all ${N} resources must be Primary and all ${N} domains exist` +
      (PAUSED ? '' : '; **up** = from the first start until every guest console shows its disk') +
      `; then the ${N} \`xl destroy\` started the same way: **destroy** = until all returned, **Secondary** = until all ${N} resources are Secondary again. Rounds alternate ours / Debian's (order flipped every round); ${Math.min(many('dist').length, many('debian').length)} rounds each.`,
    ...notes.map((n) => `- ${n}`),
    "- Why dom0 has more than the lab's 1024 MiB here: every `xl create` holds the guest kernel image in its own memory while it builds the domain " +
      "(Debian's 6.1 kernel, a 58 MiB segment; the OOM killer reported xl processes with 40-90 MiB anon RSS). In a first try with the lab's 1024 MiB dom0 " +
      "(~540 MiB available), 16 `xl create` at once ran dom0 out of memory: with our script 11 xl processes were OOM-killed (rc 137) and 2 `add`s were killed by libxl's 40 s hotplug timeout " +
      "(3 of 16 guests started); the following round with Debian's script OOM-killed xl processes the same way and then the lab's agent. Mostly the toolstack's own memory, whichever script runs the disks.",
    '',
    `## Medians (ms) over the clean rounds`,
    '',
    `| script | create ${N} | one \`xl create\` within them | up | destroy ${N} | all Secondary | dom0 MemAvailable min (MiB) | clean rounds |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rowsSummary,
    '',
    ...(SINGLE
      ? [
          'Context: one guest alone, same round script (ms, each sample):',
          '',
          '| script | create | destroy | Secondary | clean |',
          '|---|---|---|---|---:|',
          ...singleRows,
          '',
        ]
      : []),
    '## Samples',
    '',
    '| round | script | create ms | created | one xl create: min / median / max ms | Primary | domains | up ms (guests) | destroy ms | Secondary ms (resources) | MemAvailable min MiB | clean |',
    '|---:|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---|',
    ...sampleRows,
    '',
    ...(failures.length || problems.length
      ? [
          '## Failures and problems',
          '',
          ...problems.map((p) => `- ${p}`),
          ...failures.flatMap((r) => r.errors.map((e) => `- ${r.variant} ${r.index === 0 ? 'single' : `round ${r.index}`}: ${e}`)),
          '',
        ]
      : ['No failures: every round created all guests, promoted all resources and demoted them again.', '']),
  ].join('\n');
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  // --append: earlier results stay; this run becomes a section of its own (headings one level down).
  if (APPEND && fs.existsSync(OUT)) fs.appendFileSync(OUT, '\n---\n\n' + md.replace(/^#/gm, '##'));
  else fs.writeFileSync(OUT, md);
  console.log(md);
  console.log(`\nwritten: ${path.relative(REPO_ROOT, OUT)}`);
  return VARIANTS.every((v) => okMany(v).length > 0) ? 0 : 1;
}

main().then(
  (c) => process.exit(c),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
