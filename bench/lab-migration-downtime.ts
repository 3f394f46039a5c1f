// `npm run bench:migration`: the guest's pause during `xl migrate` with our `drbd:` disk versus
// the same guest on a `phy:/dev/drbd0` disk (Xen's stock `block` script) on a resource an admin
// keeps dual-primary by hand (both hosts Primary the whole time). The destination's hotplug
// `add` runs while the guest is suspended, so its cost is downtime.
// Measured on the SOURCE's clock only (no cross-host clock skew): `xl -vvv migrate` output is
// timestamped line by line in dom0 with bash's $EPOCHREALTIME; the pause runs from libxl's
// suspend request to the guest (SUSPEND_RE) to "migration sender: Target reports successful
// startup." (the destination has unpaused the guest). Blocks of drbd: and phy: migrations
// alternate (A→B, B→A, …), ≥ 10 each. Results: bench/results/lab-migration-downtime.md.
// Options: BENCH_MIGRATIONS (per variant, default 10).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Lab, REPO_ROOT, type Host } from '../test/lab/lib/lab';
import { R0, createResource, role, shq, waitGuestDone, waitRole, xlCreate } from '../test/lab/lib/drbd';

const PER_VARIANT = Number(process.env.BENCH_MIGRATIONS || 10);
const BLOCK = Math.max(1, Math.ceil(PER_VARIANT / 2));
const OUT = path.join(REPO_ROOT, 'bench', 'results', 'lab-migration-downtime.md');
// libxl's debug line when it asks the guest to suspend (libxl_dom_suspend.c).
const SUSPEND_RE = /issuing .*suspend request/i;
const STARTED_RE = /migration sender: Target reports successful startup/;

type Variant = 'drbd' | 'phy';
interface Sample {
  variant: Variant;
  from: string;
  pauseMs: number;
  totalMs: number;
}

const log = (l: string) => process.stdout.write(`[bench] ${l}\n`);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN;
};

/** One timed migration; returns the pause and the whole command's time, in ms. */
async function migrate(from: Host, to: Host, name: string): Promise<{ pauseMs: number; totalMs: number }> {
  await to.sh(
    `nohup socat TCP-LISTEN:8002,bind=${to.replIp},reuseaddr EXEC:'xl migrate-receive' >>/var/log/lab/migrate-receive.log 2>&1 & sleep 1`,
  );
  const transport = shq(`socat - TCP:${to.replIp}:8002`);
  const cmd =
    `set -o pipefail; xl -vvv migrate -s '' ${name} ${transport} 2>&1 | ` +
    `while IFS= read -r l; do printf '%s %s\\n' "\${EPOCHREALTIME/./}" "$l"; done > /tmp/migrate.out; rc=$?; ` +
    `grep -E 'suspend|migration sender|Saving domain' /tmp/migrate.out; exit $rc`;
  const r = await from.run(cmd, { job: true, timeoutMs: 300_000 });
  if (r.code !== 0)
    throw new Error(`xl migrate ${from.name}→${to.name} failed rc=${r.code}: ${r.stdout.split('\n').slice(-4).join(' | ')}`);
  const lines = r.stdout
    .split('\n')
    .map((l) => /^(\d+) (.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => !!m);
  const first = lines[0];
  const suspend = lines.find((m) => SUSPEND_RE.test(m[2]!));
  const started = lines.find((m) => STARTED_RE.test(m[2]!));
  if (!first || !suspend || !started) throw new Error(`markers missing in xl -vvv output: ${r.stdout.slice(0, 600)}`);
  return { pauseMs: (Number(started[1]) - Number(suspend[1])) / 1000, totalMs: (Number(started[1]) - Number(first[1])) / 1000 };
}

async function main(): Promise<number> {
  const date = new Date().toISOString();
  const samples: Sample[] = [];
  const problems: string[] = [];
  let lab: Lab | undefined;
  try {
    lab = await Lab.start({ script: 'dist', log });
    const { A, B } = lab.hosts;
    await createResource(lab, R0);
    let where: Host = A;
    const other = (h: Host) => (h === A ? B : A);
    for (let block = 0; samples.length < 2 * PER_VARIANT; block++) {
      for (const variant of ['drbd', 'phy'] as Variant[]) {
        const done = samples.filter((s) => s.variant === variant).length;
        const n = Math.min(BLOCK, PER_VARIANT - done);
        if (n <= 0) continue;
        if (variant === 'phy') {
          // The hand-made dual-primary setup the phy: disk needs: both hosts Primary throughout.
          for (const h of [A, B]) await h.sh('drbdadm net-options --allow-two-primaries=yes r0');
          for (const h of [A, B]) await h.sh('drbdadm primary r0');
        }
        const disk = variant === 'drbd' ? 'drbd:r0,xvda,w' : 'phy:/dev/drbd0,xvda,w';
        // 128 MiB, as in bench/results/lab-migration-downtime.md (the lab's default guest is smaller now).
        const c = await xlCreate(where, { name: 'dt', disks: [disk], action: 'hold', memoryMiB: 128 });
        if (c.code !== 0) throw new Error(`xl create (${variant}) failed: ${c.stderr.slice(-400)}`);
        await waitGuestDone(where, 'dt', 180_000);
        for (let i = 0; i < n; i++) {
          const to = other(where);
          const m = await migrate(where, to, 'dt');
          samples.push({ variant, from: where.name, ...m });
          log(`${variant} ${where.name}→${to.name}: pause ${m.pauseMs.toFixed(0)} ms, migrate ${m.totalMs.toFixed(0)} ms`);
          where = to;
          if (variant === 'drbd') await waitRole(other(where), 'r0', /^Secondary\//);
        }
        await where.run('xl destroy dt', { timeoutMs: 60_000 });
        if (variant === 'phy') {
          for (const h of [A, B]) await h.sh('drbdadm secondary r0');
          for (const h of [A, B]) await h.sh('drbdadm net-options --allow-two-primaries=no r0');
        } else {
          await waitRole(where, 'r0', /^Secondary\//);
        }
      }
    }
    log(`final roles: A ${await role(A, 'r0')}, B ${await role(B, 'r0')}`);
  } catch (e) {
    problems.push(`bench aborted: ${(e as Error).message}`);
    log(`bench aborted: ${(e as Error).stack}`);
  } finally {
    await lab?.stop();
  }

  const med = (v: Variant, k: 'pauseMs' | 'totalMs') => median(samples.filter((s) => s.variant === v).map((s) => s[k]));
  const ratio = med('drbd', 'pauseMs') / med('phy', 'pauseMs');
  const row = (v: Variant, label: string) =>
    `| ${label} | ${med(v, 'pauseMs').toFixed(0)} | ${med(v, 'totalMs').toFixed(0)} | ${samples.filter((s) => s.variant === v).length} |`;
  const md = [
    '# Live-migration downtime: `drbd:` (ours) vs `phy:` with dual-primary by hand, in the Xen lab',
    '',
    `- Date: ${date}`,
    '- Command: `npm run bench:migration` (= `npm run build && tsx bench/lab-migration-downtime.ts`)' +
      (PER_VARIANT !== 10 ? ` with BENCH_MIGRATIONS=${PER_VARIANT}` : ''),
    '- Where: two lab hosts (Xen 4.17, Debian 12 dom0, DRBD 8.4, qemu TCG, 1 vCPU each), PVH guest with 128 MiB, idle, r0 single-primary in its config.',
    '- Pause: on the source, from libxl\'s suspend request to "Target reports successful startup" (timestamps from `xl -vvv migrate` output, source clock only).',
    '- `phy:` setup: allow-two-primaries switched on and both hosts Primary for the whole block (what an admin does by hand for the stock `block` script).',
    '',
    '| disk | median pause ms | median migrate ms | n |',
    '|---|---:|---:|---:|',
    row('drbd', '`drbd:r0` (dist/block-drbd: checks, runtime dual-primary, promote)'),
    row('phy', "`phy:/dev/drbd0` (Xen's `block`, already Primary)"),
    '',
    `- Ratio of medians (pause): ${Number.isFinite(ratio) ? ratio.toFixed(3) + '×' : '—'} (target ≤ 1.25×): ${ratio <= 1.25 ? 'MET' : 'NOT MET'}`,
    '',
    '## Samples',
    '',
    '| # | disk | from | pause ms | migrate ms |',
    '|---:|---|---|---:|---:|',
    ...samples.map((s, i) => `| ${i + 1} | ${s.variant} | ${s.from} | ${s.pauseMs.toFixed(0)} | ${s.totalMs.toFixed(0)} |`),
    ...(problems.length ? ['', '## Problems seen', '', ...problems.map((p) => `- ${p}`)] : []),
    '',
  ].join('\n');
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, md);
  console.log(md);
  return problems.length === 0 && samples.length >= 2 ? 0 : 1;
}

main().then(
  (c) => process.exit(c),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
