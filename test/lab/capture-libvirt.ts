// Boots a lab with libvirt (hosts A and B, DRBD 8.4, Debian's block-drbd; `libvirt: true`) and
// records into test/fixtures/libvirt/lab-9.0.0/ what libvirt 9.0's libxl driver does that a libvirt
// hook for DRBD needs to know: the calls of /etc/libvirt/hooks/libxl (argv, time, the XML on stdin)
// on each host for virsh start, shutdown, destroy, a libvirtd restart and live migrations A → B and
// B → A; the domain XML of running PV domains on /dev/drbd0 and /dev/drbd/by-res/r0/0 and their
// vbd backend keys (which hotplug script libxl runs); every run of Xen's /etc/xen/scripts/block
// (wrapped to log); and what a failing hook does (virsh's error text for a failing `prepare`).
// Nothing of ours promotes: r0 is promoted and demoted here by hand, as the brief for the hook says.
// Run: flock /tmp/xen-drbd-lab.lock npx tsx test/lab/capture-libvirt.ts   (test/lab/build.sh first)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Lab, REPO_ROOT, type Host, type RunResult } from './lib/lab';
import { R0, createResource, shq } from './lib/drbd';
import { LIBVIRTD_CMD, LOCAL_URI, domainXml, startLibvirtd, tcpUri, virsh, waitGuestWatching, waitShutOff, writeHook } from './lib/libvirt';
import { Reporter } from './lib/report';

const OUT = path.join(REPO_ROOT, 'test', 'fixtures', 'libvirt', 'lab-9.0.0');
const HOOK_DIR = '/var/log/lab/libvirt-hook';
const BLOCK_DIR = '/var/log/lab/block-calls';

/**
 * The hook: records each call (argv, stdin, environment, exit code, times in ns) as files in
 * HOOK_DIR; exits 1 with a message on stderr when its operation ($2) is listed in /run/lab-hook/fail.
 */
const HOOK = `#!/bin/sh
# The lab's libvirt libxl hook (test/lab/capture-libvirt.ts): records each call.
t=$(date +%s%N)
d=${HOOK_DIR}
mkdir -p $d
id=$d/$t-$$
cat > $id.stdin
printf '%s\\n' "$@" > $id.argv
{ echo "uid=$(id -u) cwd=$(pwd) ppid=$PPID ppid_comm=$(cat /proc/$PPID/comm 2>/dev/null)"; env | sort; } > $id.env
rc=0
for op in $(cat /run/lab-hook/fail 2>/dev/null); do [ "$op" = "$2" ] && rc=1; done
[ $rc = 0 ] || echo "lab hook: refusing $2 $3 of $1" >&2
printf '%s %s\\n' $rc "$(date +%s%N)" > $id.exit
exit $rc
`;

/** Xen's block script wrapped: each run's argv, XENBUS_PATH, exit code, stderr and keys afterwards. */
const BLOCK_WRAPPER = `#!/bin/bash
# The lab's wrapper of Xen's block script (test/lab/capture-libvirt.ts): logs each run.
t=$(date +%s%N)
d=${BLOCK_DIR}
mkdir -p $d
id=$d/$t-$$
printf '%s\\n' "$@" > $id.argv
drbd_before=$(grep -o 'ro:[^ ]*' /proc/drbd 2>/dev/null)
/bin/bash /etc/xen/scripts/block.lab-orig "$@" 2> $id.stderr
rc=$?
{
  echo "rc=$rc t_end_ns=$(date +%s%N)"
  echo "XENBUS_PATH=$XENBUS_PATH"
  echo "drbd_before=$drbd_before drbd_after=$(grep -o 'ro:[^ ]*' /proc/drbd 2>/dev/null)"
  for k in params type script mode physical-device physical-device-path hotplug-status hotplug-error; do
    echo "$k=$(xenstore-read "$XENBUS_PATH/$k" 2>/dev/null || echo '<none>')"
  done
} > $id.info
cat $id.stderr >&2
exit $rc
`;

/** Dumps HOOK_DIR or BLOCK_DIR as JSON (node in dom0), then empties it. */
const COLLECT = (dir: string) =>
  `node -e '
const fs = require("fs"), d = process.argv[1], out = [];
const rd = (f) => { try { return fs.readFileSync(f, "utf8"); } catch { return null; } };
for (const f of (fs.existsSync(d) ? fs.readdirSync(d) : []).filter((f) => f.endsWith(".argv")).sort()) {
  const b = d + "/" + f.slice(0, -5);
  out.push({ id: f.slice(0, -5), tNs: f.split("-")[0], argv: rd(b + ".argv").split("\\n").slice(0, -1),
    stdin: rd(b + ".stdin"), env: rd(b + ".env"), exit: rd(b + ".exit"), info: rd(b + ".info"), stderr: rd(b + ".stderr") });
}
process.stdout.write(JSON.stringify(out));
' ${dir} && rm -rf ${dir}`;

interface Call {
  id: string;
  tNs: string;
  argv: string[];
  stdin: string | null;
  env: string | null;
  exit: string | null;
  info: string | null;
  stderr: string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const DOM = 'lvdrbd0';
/** virsh start, the guest's console log removed first (its lines tell that this run reads its disk). */
const START = (name: string) => `rm -f /var/log/xen/console/guest-${name}.log; virsh -c ${LOCAL_URI} start ${name}`;
const DOM_BYRES = 'lvbyres';

function write(file: string, text: string): void {
  fs.writeFileSync(path.join(OUT, file), text);
  console.log(`    fixture ${file}`);
}

/**
 * The B − A clock offset in ms (each dom0's clock starts from qemu's RTC, whole seconds): A asks B's
 * time over the replication network (a socat on B answers with `date +%s%N`), five times, and
 * keeps the round trip that was shortest; the uncertainty is half of it.
 */
async function clockOffset(A: Host, B: Host): Promise<{ offsetMs: number; uncertaintyMs: number }> {
  await B.sh(
    `[ -e /run/lab-clock.pid ] || { nohup socat TCP-LISTEN:9999,bind=${B.replIp},reuseaddr,fork EXEC:'date +%s%N' >/dev/null 2>&1 & echo $! > /run/lab-clock.pid; }; ` +
      `for i in $(seq 50); do ss -Hltn 'sport = :9999' | grep -q . && break; sleep 0.1; done`,
  );
  const out = await A.sh(
    `for i in 1 2 3 4 5; do a1=$(date +%s%N); b=$(socat - TCP:${B.replIp}:9999); a2=$(date +%s%N); echo $a1 $b $a2; done`,
  );
  let best = { offsetMs: 0, uncertaintyMs: Infinity };
  for (const line of out.trim().split('\n')) {
    const [a1, b, a2] = line.split(' ').map((x) => Number(x) / 1e6);
    if (a1 === undefined || b === undefined || a2 === undefined || !Number.isFinite(b)) continue;
    const u = (a2 - a1) / 2;
    if (u < best.uncertaintyMs) best = { offsetMs: Math.round(b - (a1 + a2) / 2), uncertaintyMs: Math.ceil(u) };
  }
  if (!Number.isFinite(best.uncertaintyMs)) throw new Error(`clock offset: no answer from B: ${out}`);
  return best;
}

/** A command run as a job with the host's clock read just before it (ms since the epoch). */
async function timed(h: Host, cmd: string, timeoutMs = 240_000): Promise<{ r: RunResult; t0: number }> {
  const r = await h.run(`date +%s%N > /run/lab-t0; ${cmd}`, { job: true, timeoutMs });
  const t0 = Math.round(Number((await h.sh('cat /run/lab-t0')).trim()) / 1e6);
  return { r, t0 };
}

async function collect(h: Host, dir: string): Promise<Call[]> {
  return JSON.parse(await h.sh(COLLECT(dir), { timeoutMs: 60_000 })) as Call[];
}

const ms = (c: Call) => Math.round(Number(c.tNs) / 1e6);

/** The hook-calls text of one host in one situation: each call's time, argv, exit code and stdin. */
function hookCallsText(situation: string, h: Host, cmd: string, r: RunResult, t0A: number, offsetMs: number, calls: Call[]): string {
  const lines = [
    `# ${situation}, host ${h.name} (${h.hostname}, ${h.replIp}): the calls of /etc/libvirt/hooks/libxl, in order`,
    `# libvirt 9.0.0 (Debian 9.0.0-4+deb12u2), libxl driver, Xen 4.17; recorded by test/lab/capture-libvirt.ts`,
    `# command (on host A unless said): ${cmd}`,
    `# its exit code: ${r.code}; stdout: ${JSON.stringify(r.stdout.trim())}; stderr: ${JSON.stringify(r.stderr.trim())}`,
    `# t = ms after the command started (host A's clock${h.name === 'A' ? '' : `; this host's clock corrected by the measured B−A offset ${offsetMs} ms`})`,
    `# calls: ${calls.length}`,
    '',
  ];
  calls.forEach((c, i) => {
    const [rc, tEnd] = (c.exit ?? '? ?').trim().split(' ');
    const t = ms(c) - (h.name === 'A' ? 0 : offsetMs) - t0A;
    const took = tEnd ? Math.round(Number(tEnd) / 1e6) - ms(c) : NaN;
    lines.push(`=== call ${i + 1}: t=+${t} ms argv: ${c.argv.map((a) => JSON.stringify(a)).join(' ')} exit=${rc} (${took} ms)`);
    lines.push(`--- stdin (${Buffer.byteLength(c.stdin ?? '')} bytes)`);
    lines.push((c.stdin ?? '').replace(/\n$/, ''));
    lines.push('');
  });
  return lines.join('\n');
}

/** The block-calls text: each run of Xen's block script on one host. */
function blockCallsText(situation: string, h: Host, t0A: number, offsetMs: number, calls: Call[]): string {
  const lines = [
    `# ${situation}, host ${h.name}: each run of Xen's /etc/xen/scripts/block (wrapped by the lab to log), in order`,
    `# t = ms after the command started (host A's clock${h.name === 'A' ? '' : `; corrected by the B−A offset ${offsetMs} ms`}); drbd = r0's roles (/proc/drbd) before and after`,
    `# runs: ${calls.length}`,
    '',
  ];
  calls.forEach((c, i) => {
    const info = (c.info ?? '').trim();
    const tEnd = /t_end_ns=(\d+)/.exec(info)?.[1];
    const t = ms(c) - (h.name === 'A' ? 0 : offsetMs) - t0A;
    lines.push(`=== run ${i + 1}: t=+${t} ms (${tEnd ? Math.round(Number(tEnd) / 1e6) - ms(c) : '?'} ms) argv: ${c.argv.join(' ')}`);
    lines.push(info.replace(/^rc=(\S+) t_end_ns=\d+/, 'rc=$1'));
    if (c.stderr?.trim()) lines.push(`stderr: ${c.stderr.trim().split('\n').join(' | ')}`);
    lines.push('');
  });
  return lines.join('\n');
}

async function lastTick(h: Host, name: string): Promise<number> {
  const out = (await h.run(`cat /var/log/xen/console/guest-${name}.log 2>/dev/null`)).stdout;
  return Math.max(0, ...[...out.matchAll(/tick=(\d+)/g)].map((m) => Number(m[1])));
}

async function domState(h: Host, name: string): Promise<string> {
  const r = await h.run(`virsh -c ${LOCAL_URI} domstate ${name} 2>&1; xl list 2>&1 | awk 'NR > 1 { print "xl:", $1, $2 }'`);
  return r.stdout.trim().replace(/\n+/g, '; ');
}

async function vbdKeys(h: Host, name: string): Promise<string> {
  const domid = (await h.sh(`xl domid ${name}`)).trim();
  return h.sh(`xenstore-ls -f /local/domain/0/backend/vbd/${domid}`);
}

async function clear(hosts: Host[]): Promise<void> {
  for (const h of hosts) await h.sh(`rm -rf ${HOOK_DIR} ${BLOCK_DIR}; : > /run/lab-hook/fail`);
}

async function main(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  const rep = new Reporter('libvirt (libxl) hook capture');
  const made: string[] = [];
  const lab = await rep.step('boot hosts A and B with libvirt (DRBD 8.4)', () => Lab.start({ script: 'debian', libvirt: true }));
  const { A, B } = lab.hosts;
  const both = [A, B];
  const notes: string[] = [];
  const note = (s: string) => {
    notes.push(s);
    rep.log(s);
  };
  try {
    note(`boot: A ${(A.bootMs / 1000).toFixed(1)} s, B ${(B.bootMs / 1000).toFixed(1)} s (qemu start to agent ready, both at once)`);
    await rep.step('r0 created (both Secondary, UpToDate)', () => createResource(lab, R0));
    await rep.step('hook, block-script wrapper and libvirtd on A and B', async () => {
      for (const h of both) {
        await writeHook(h, 'libxl', HOOK);
        await h.sh('mkdir -p /run/lab-hook && : > /run/lab-hook/fail');
        await h.sh('cp -p /etc/xen/scripts/block /etc/xen/scripts/block.lab-orig && cat > /etc/xen/scripts/block', {
          stdin: BLOCK_WRAPPER,
        });
        // drbd's udev rule makes /dev/drbd/by-res/<res>/<vol>; dom0 runs no udev, so the link is made here as udev makes it.
        await h.sh('mkdir -p /dev/drbd/by-res/r0 && ln -sfn ../../../drbd0 /dev/drbd/by-res/r0/0');
        const before = (await h.sh(`free -m | awk '/^Mem/ {print "free=" $4 " MiB available=" $7 " MiB"}'`)).trim();
        const t = await startLibvirtd(h);
        const after = (
          await h.sh(`free -m | awk '/^Mem/ {print "free=" $4 " MiB available=" $7 " MiB"}'; ps -o rss= -p $(cat /run/libvirtd.pid)`)
        ).trim();
        note(
          `host ${h.name}: libvirtd answered ${t} ms after its start; dom0 memory before ${before}; after ${after.split('\n')[0]}, libvirtd RSS ${after.split('\n')[1]?.trim()} KiB`,
        );
      }
      const rootfs = (await A.sh(`df -m / | awk 'NR==2 {print $2 " MiB, " $3 " used, " $4 " free"}'`)).trim();
      note(`host A: initramfs root ${rootfs}`);
      await A.sh(`cat > /etc/libvirt/${DOM}.xml`, { stdin: domainXml(DOM, '/dev/drbd0') });
      await A.sh(`cat > /etc/libvirt/${DOM_BYRES}.xml`, { stdin: domainXml(DOM_BYRES, '/dev/drbd/by-res/r0/0') });
      await A.sh(`virsh -c ${LOCAL_URI} define /etc/libvirt/${DOM}.xml && virsh -c ${LOCAL_URI} define /etc/libvirt/${DOM_BYRES}.xml`);
    });
    await clear(both);

    const situation = async (name: string, host: Host, cmd: string, hosts: Host[], expectRc: number | null = 0) => {
      const off = await clockOffset(A, B);
      const { r, t0 } = await timed(host, cmd);
      const t0A = host.name === 'A' ? t0 : t0 - off.offsetMs;
      if (expectRc !== null && r.code !== expectRc)
        throw new Error(`${name}: \`${cmd}\` on ${host.name} exited ${r.code} (want ${expectRc}): ${r.stderr.trim()}`);
      await sleep(2_000); // a hook call that follows the command's return (stopped/release after destroy)
      const out: Record<string, Call[]> = {};
      for (const h of hosts) {
        const calls = await collect(h, HOOK_DIR);
        const blocks = await collect(h, BLOCK_DIR);
        out[h.name] = calls;
        const hookFile = `${name}.host${h.name}.hook-calls.txt`;
        write(hookFile, hookCallsText(name, h, `${host.name === 'A' ? '' : `(on host ${host.name}) `}${cmd}`, r, t0A, off.offsetMs, calls));
        const blockFile = `${name}.host${h.name}.block-calls.txt`;
        write(blockFile, blockCallsText(name, h, t0A, off.offsetMs, blocks));
        made.push(hookFile, blockFile);
        rep.log(
          `${name} host ${h.name}: ${calls.map((c) => `${c.argv.slice(1).join(' ')}@+${ms(c) - (h.name === 'A' ? 0 : off.offsetMs) - t0A}`).join(', ')}; block: ${blocks.map((b) => `${b.argv[0]}@+${ms(b) - (h.name === 'A' ? 0 : off.offsetMs) - t0A} ${/^rc=\S+/.exec(b.info ?? '')?.[0]}`).join(', ')}`,
        );
      }
      note(`${name}: \`${cmd}\` rc=${r.code} in ${r.ms} ms; B−A clock offset ${off.offsetMs} ± ${off.uncertaintyMs} ms`);
      return { r, calls: out };
    };

    // ---- start, libvirtd restart, shutdown (/dev/drbd0) ----------------------------------------
    await A.sh('drbdadm primary r0');
    const start = await rep.step('virsh start (disk /dev/drbd0)', () => situation('start', A, START(DOM), [A]));
    await rep.step('guest reads its disk', () => waitGuestWatching(A, DOM));
    const prep0 = start.calls.A!.find((c) => c.argv[1] === 'prepare');
    note(`the hook's identity and environment (prepare, host A): ${(prep0?.env ?? '').trim().split('\n').join(' | ')}`);
    const prepareXml = prep0?.stdin;
    if (prepareXml) {
      write('hook-stdin.prepare-begin.drbd0.xml', prepareXml);
      made.push('hook-stdin.prepare-begin.drbd0.xml');
    }
    write('running-drbd0.dumpxml.xml', (await virsh(A, `dumpxml ${DOM}`)).stdout);
    write('running-drbd0.hostA.vbd-backend.txt', await vbdKeys(A, DOM));
    made.push('running-drbd0.dumpxml.xml', 'running-drbd0.hostA.vbd-backend.txt');
    await rep.step('libvirtd restarted with the domain running', () =>
      situation(
        'libvirtd-restart',
        A,
        `kill $(cat /run/libvirtd.pid); while [ -e /proc/$(cat /run/libvirtd.pid 2>/dev/null || echo 0) ]; do sleep 0.1; done; cd / && LIBVIRT_DRIVER_DIR=/run/lab-libvirt/drivers ${LIBVIRTD_CMD}; until virsh -c ${LOCAL_URI} version >/dev/null 2>&1; do sleep 0.2; done; virsh -c ${LOCAL_URI} domstate ${DOM}`,
        [A],
      ),
    );
    await rep.step('virsh shutdown (the guest powers off)', async () => {
      const s = await situation(
        'shutdown',
        A,
        `virsh -c ${LOCAL_URI} shutdown ${DOM} && until virsh -c ${LOCAL_URI} domstate ${DOM} | grep -q 'shut off'; do sleep 0.2; done`,
        [A],
      );
      await waitShutOff(A, DOM);
      return s;
    });
    await A.sh('drbdadm secondary r0');

    // ---- by-res disk: start, dumpxml, destroy ----------------------------------------------------
    await A.sh('drbdadm primary r0');
    const startByRes = await rep.step('virsh start (disk /dev/drbd/by-res/r0/0)', () =>
      situation('start-by-res', A, START(DOM_BYRES), [A]),
    );
    const byResXml = startByRes.calls.A!.find((c) => c.argv[1] === 'prepare')?.stdin;
    if (byResXml) {
      write('hook-stdin.prepare-begin.by-res.xml', byResXml);
      made.push('hook-stdin.prepare-begin.by-res.xml');
    }
    await rep.step('guest reads its disk', () => waitGuestWatching(A, DOM_BYRES));
    write('running-by-res.dumpxml.xml', (await virsh(A, `dumpxml ${DOM_BYRES}`)).stdout);
    write('running-by-res.hostA.vbd-backend.txt', await vbdKeys(A, DOM_BYRES));
    made.push('running-by-res.dumpxml.xml', 'running-by-res.hostA.vbd-backend.txt');
    await rep.step('virsh destroy', async () => {
      await situation('destroy', A, `virsh -c ${LOCAL_URI} destroy ${DOM_BYRES}`, [A]);
      await waitShutOff(A, DOM_BYRES);
    });
    await A.sh('drbdadm secondary r0');

    // ---- live migration A → B and back -----------------------------------------------------------
    await A.sh('drbdadm primary r0');
    await A.sh(START(DOM), { job: true, timeoutMs: 180_000 });
    await waitGuestWatching(A, DOM);
    await clear(both);
    const migrate = async (name: string, from: Host, to: Host) => {
      for (const h of both) await h.sh('drbdadm net-options --allow-two-primaries=yes r0');
      await to.sh('drbdadm primary r0');
      const tickBefore = await lastTick(from, DOM);
      const cmd = `virsh -c ${LOCAL_URI} migrate --live ${DOM} ${tcpUri(to)} --migrateuri tcp://${to.replIp}`;
      await rep.step(`virsh migrate --live ${from.name} → ${to.name}`, () => situation(name, from, cmd, both));
      await rep.step(`guest reads its disk on ${to.name}`, () => waitGuestWatching(to, DOM, tickBefore));
      note(`${name}: after the move, on ${from.name}: ${await domState(from, DOM)}; on ${to.name}: ${await domState(to, DOM)}`);
      await from.sh('drbdadm secondary r0');
      for (const h of both) await h.sh('drbdadm net-options --allow-two-primaries=no r0');
    };
    await migrate('migrate-a-to-b', A, B);
    await migrate('migrate-b-to-a', B, A);
    await virsh(A, `destroy ${DOM}`);
    await waitShutOff(A, DOM);
    await clear(both);

    // ---- a failing hook: which operations stop libvirt --------------------------------------------
    const failures: string[] = [
      '# A hook that exits 1 (with "lab hook: refusing <op> <subop> of <domain>" on stderr) at the operations named:',
      '# what the virsh command said, and the domain afterwards. libvirt 9.0.0, libxl driver; test/lab/capture-libvirt.ts',
      '',
    ];
    const trial = async (ops: string, cmd: string, h: Host = A) => {
      await h.sh(`echo ${shq(ops)} > /run/lab-hook/fail`);
      const { r } = await timed(h, cmd);
      await sleep(2_000);
      await h.sh(': > /run/lab-hook/fail');
      const calls = await collect(h, HOOK_DIR);
      await collect(h, BLOCK_DIR);
      const state = await domState(h, DOM);
      failures.push(`=== hook fails at: ${ops} (host ${h.name})`);
      failures.push(`$ ${cmd}`);
      failures.push(`exit ${r.code}`);
      failures.push(`stdout: ${JSON.stringify(r.stdout)}`);
      failures.push(`stderr: ${JSON.stringify(r.stderr)}`);
      failures.push(`hook calls: ${calls.map((c) => `${c.argv.slice(1).join(' ')} → exit ${(c.exit ?? '?').split(' ')[0]}`).join('; ')}`);
      failures.push(`afterwards: ${state}`);
      failures.push('');
      rep.log(`hook fails at ${ops}: rc=${r.code} ${r.stderr.trim()} | ${state}`);
      return r;
    };
    await A.sh('drbdadm primary r0');
    const prep = await rep.step('hook fails at prepare: virsh start', () => trial('prepare', START(DOM)));
    write('prepare-fails.virsh-start.stderr.txt', prep.stderr);
    made.push('prepare-fails.virsh-start.stderr.txt');
    const cleanup = async (h: Host) => {
      if ((await h.run(`xl domid ${DOM}`)).code === 0) {
        const r = await virsh(h, `destroy ${DOM}`);
        if (r.code !== 0) {
          // libvirt no longer knows the domain runs (a failed reconnect): only xl can stop it.
          failures.push(
            `(clean-up on ${h.name}: \`virsh destroy ${DOM}\` exit ${r.code}: ${JSON.stringify(r.stderr.trim())}; the domain still ran in Xen, stopped with \`xl destroy ${DOM}\`)`,
            '',
          );
          await h.sh(`xl destroy ${DOM}`, { timeoutMs: 120_000 });
        }
        await waitShutOff(h, DOM);
      }
      await collect(h, HOOK_DIR);
      await collect(h, BLOCK_DIR);
    };
    await cleanup(A);
    for (const op of ['start', 'started']) {
      await rep.step(`hook fails at ${op}: virsh start`, () => trial(op, START(DOM)));
      await cleanup(A);
    }
    await A.sh(START(DOM), { job: true, timeoutMs: 180_000 });
    await waitGuestWatching(A, DOM);
    await collect(A, HOOK_DIR);
    await rep.step('hook fails at reconnect: libvirtd restarted', () =>
      trial(
        'reconnect',
        `kill $(cat /run/libvirtd.pid); while [ -e /proc/$(cat /run/libvirtd.pid 2>/dev/null || echo 0) ]; do sleep 0.1; done; cd / && LIBVIRT_DRIVER_DIR=/run/lab-libvirt/drivers ${LIBVIRTD_CMD}; until virsh -c ${LOCAL_URI} version >/dev/null 2>&1; do sleep 0.2; done; sleep 3; virsh -c ${LOCAL_URI} domstate ${DOM}`,
      ),
    );
    await cleanup(A);
    await A.sh(START(DOM), { job: true, timeoutMs: 180_000 });
    await waitGuestWatching(A, DOM);
    await collect(A, HOOK_DIR);
    await rep.step('hook fails at stopped and release: virsh destroy', () =>
      trial('stopped release', `virsh -c ${LOCAL_URI} destroy ${DOM}`),
    );
    await cleanup(A);
    // The destination's migrate hook failing: the last trial (it may leave the source's job held).
    await A.sh(START(DOM), { job: true, timeoutMs: 180_000 });
    await waitGuestWatching(A, DOM);
    await collect(A, HOOK_DIR);
    for (const h of both) await h.sh('drbdadm net-options --allow-two-primaries=yes r0');
    await B.sh('drbdadm primary r0');
    await B.sh(`echo migrate > /run/lab-hook/fail`);
    await rep.step('hook fails at migrate on B: virsh migrate A → B', async () => {
      const { r } = await timed(A, `virsh -c ${LOCAL_URI} migrate --live ${DOM} ${tcpUri(B)} --migrateuri tcp://${B.replIp}`);
      await sleep(2_000);
      await B.sh(': > /run/lab-hook/fail');
      const callsA = await collect(A, HOOK_DIR);
      const callsB = await collect(B, HOOK_DIR);
      const after = await A.run(
        `timeout 60 virsh -c ${LOCAL_URI} suspend ${DOM} 2>&1; timeout 60 virsh -c ${LOCAL_URI} resume ${DOM} 2>&1`,
        {
          timeoutMs: 150_000,
        },
      );
      failures.push(`=== hook fails at: migrate (host B, the destination)`);
      failures.push(`$ virsh -c ${LOCAL_URI} migrate --live ${DOM} ${tcpUri(B)} --migrateuri tcp://${B.replIp}   (on host A)`);
      failures.push(`exit ${r.code}`);
      failures.push(`stdout: ${JSON.stringify(r.stdout)}`);
      failures.push(`stderr: ${JSON.stringify(r.stderr)}`);
      failures.push(
        `hook calls on A: ${callsA.map((c) => `${c.argv.slice(1).join(' ')} → exit ${(c.exit ?? '?').split(' ')[0]}`).join('; ')}`,
      );
      failures.push(
        `hook calls on B: ${callsB.map((c) => `${c.argv.slice(1).join(' ')} → exit ${(c.exit ?? '?').split(' ')[0]}`).join('; ')}`,
      );
      failures.push(`afterwards on A: ${await domState(A, DOM)}; on B: ${await domState(B, DOM)}`);
      failures.push(`then on A, virsh suspend + resume of the domain: ${JSON.stringify(after.stdout.trim())}`);
      failures.push('');
      rep.log(`hook fails at migrate on B: rc=${r.code} ${r.stderr.trim()}; suspend/resume on A: ${after.stdout.trim()}`);
    });
    write('hook-failures.txt', failures.join('\n'));
    made.push('hook-failures.txt');
    const mem = await Promise.all(
      both.map(async (h) => `${h.name}: ${(await h.sh(`free -m | awk '/^Mem/ {print "free=" $4 " MiB available=" $7 " MiB"}'`)).trim()}`),
    );
    note(`dom0 memory at the end (libvirtd running): ${mem.join('; ')}`);
    fs.writeFileSync(path.join(lab.runDir, 'capture-libvirt.notes.txt'), notes.join('\n') + '\n');
    rep.record('fixtures written', 'ok', `${made.length} files in ${OUT}; notes in ${lab.runDir}/capture-libvirt.notes.txt`);
  } finally {
    for (const h of both) {
      const r = await h
        .run(`cat /var/log/libvirt/libvirtd.log /var/log/libvirt/libxl/libxl-driver.log 2>/dev/null | tail -c 2000000`, {
          timeoutMs: 60_000,
        })
        .catch(() => undefined);
      if (r) fs.writeFileSync(path.join(lab.runDir, `host${h.name}.libvirtd.log`), r.stdout);
    }
    await lab.stop();
    console.log(rep.summary({ run: lab.runDir }));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
