// `npm run lab`: the one-command demo of xen-drbd on two real Xen hosts under qemu.
//   1. build/refresh the cached lab (test/lab/build.sh), boot host A and host B;
//   2. create DRBD resource r0 (8.4) replicated between them, initial sync;
//   3. start a PVH guest with disk = ['drbd:r0,xvda,w'] on A: block-drbd promotes r0, the guest
//      writes a payload of known SHA-256 to its disk and powers off; r0 is demoted on A;
//   4. start the same guest on B: it reads the disk back and the checksum must match, then keeps
//      re-reading its disk;
//   5. live-migrate it back to A with `xl migrate` (r0 is single-primary in its configuration:
//      block-drbd allows two primaries only for the migration window); afterwards exactly one
//      host is Primary and allow-two-primaries is off on both (`drbdsetup show r0`).
// Options: --script=dist|debian (or LAB_SCRIPT), LAB_SKIP_BUILD=1, XEN_DRBD_LAB_CACHE.
import { Lab, type Host } from './lib/lab';
import { Reporter } from './lib/report';
import { scriptChoice, ensureLabBuilt } from './lib/options';
import {
  R0,
  createResource,
  domainExists,
  guestResults,
  role,
  waitDomainGone,
  waitGuestDone,
  waitRole,
  xlCreate,
  xlMigrate,
  vbdBackendKeys,
} from './lib/drbd';

/** Whether `drbdsetup show r0` lists allow-two-primaries yes, per host. */
async function allowTwoPrimaries(A: Host, B: Host): Promise<{ A: boolean; B: boolean }> {
  const on = async (h: Host) => /allow-two-primaries\s+yes/.test(await h.sh('drbdsetup show r0'));
  return { A: await on(A), B: await on(B) };
}

async function main(): Promise<number> {
  const script = scriptChoice();
  const rep = new Reporter(`xen-drbd lab demo (block-drbd: ${script})`);
  const facts: Record<string, string> = { 'block-drbd': script };
  let lab: Lab | undefined;
  const overall = setTimeout(() => {
    rep.log('✘ demo exceeded its 15 minute limit; stopping');
    void lab?.stop().finally(() => process.exit(2));
  }, 15 * 60_000);
  try {
    await rep.step('lab cache (test/lab/build.sh)', async () => ensureLabBuilt((l) => rep.log('  ' + l)));
    lab = await rep.step(
      'boot host A and host B',
      () => Lab.start({ script, log: (l) => rep.log(l) }),
      (l) => `A ${(l.hosts.A.bootMs / 1000).toFixed(1)} s, B ${(l.hosts.B.bootMs / 1000).toFixed(1)} s`,
    );
    const { A, B } = lab.hosts;
    facts['payload sha256'] = lab.payloadSha256;
    facts['run dir'] = lab.runDir;
    await rep.step(
      'create r0 on A and B, initial sync',
      () => createResource(lab!, R0),
      () => `A ${'Secondary/Secondary'}, UpToDate/UpToDate`,
    );

    const guest = { name: 'demo', disks: ['drbd:r0,xvda,w'] };
    const created = await rep.step(
      'xl create on A (guest writes payload)',
      async () => {
        const r = await xlCreate(A, { ...guest, action: 'write' });
        if (r.code !== 0) throw new Error(`xl create failed rc=${r.code}: ${r.stderr.trim()}`);
        return r;
      },
      (r) => `xl create took ${(r.ms / 1000).toFixed(1)} s`,
    );
    void created;
    await rep.step(
      'r0 Primary on A while the guest runs',
      async () => {
        const roleA = await role(A, 'r0');
        facts['role A while running'] = roleA;
        let keys: string;
        try {
          const k = await vbdBackendKeys(A, 'demo');
          const first = Object.values(k)[0] ?? {};
          keys = `physical-device=${first['physical-device']} physical-device-path=${first['physical-device-path']} hotplug-status=${first['hotplug-status']}`;
          facts['backend keys on A'] = keys;
        } catch {
          keys = '(guest already gone)';
        }
        if (!/^Primary\//.test(roleA)) throw new Error(`role on A is ${roleA}`);
        return `${roleA}; ${keys}`;
      },
      (s) => s,
    );
    const written = await rep.step(
      'guest on A wrote the payload',
      async () => {
        const out = await waitGuestDone(A, 'demo', 180_000);
        const w = guestResults(out).find((x) => x.op === 'write');
        if (!w) throw new Error(`no write result on the guest console:\n${out}`);
        if (w.sha256 !== lab!.payloadSha256) throw new Error(`read-back sha256 ${w.sha256} != payload ${lab!.payloadSha256}`);
        return w.sha256;
      },
      (s) => `sha256 ${s.slice(0, 16)}… (read back in the guest)`,
    );
    facts['sha256 written on A'] = written;
    await rep.step(
      'guest powered off, r0 demoted on A',
      async () => {
        await waitDomainGone(A, 'demo');
        return waitRole(A, 'r0', /^Secondary\//, 60_000);
      },
      (r) => `A role ${r}`,
    );
    await rep.step(
      'xl create on B (guest verifies, then keeps reading)',
      async () => {
        const r = await xlCreate(B, { ...guest, action: 'verify', poweroff: false, then: 'watch' });
        if (r.code !== 0) throw new Error(`xl create failed rc=${r.code}: ${r.stderr.trim()}`);
        return r;
      },
      (r) => `xl create took ${(r.ms / 1000).toFixed(1)} s`,
    );
    const read = await rep.step(
      'guest on B read the same data',
      async () => {
        const out = await waitGuestDone(B, 'demo', 180_000);
        const v = guestResults(out).find((x) => x.op === 'verify');
        if (!v) throw new Error(`no verify result on the guest console:\n${out}`);
        if (v.sha256 !== lab!.payloadSha256) throw new Error(`sha256 on B ${v.sha256} != payload ${lab!.payloadSha256}`);
        return v.sha256;
      },
      (s) => `sha256 ${s.slice(0, 16)}… matches`,
    );
    facts['sha256 read on B'] = read;
    await rep.step(
      'r0 Primary on B, Secondary on A (single-primary config)',
      async () => {
        const rb = await role(B, 'r0');
        const ra = await role(A, 'r0');
        const two = await allowTwoPrimaries(A, B);
        facts['roles before migration'] = `A ${ra}, B ${rb}`;
        if (rb !== 'Primary/Secondary' || ra !== 'Secondary/Primary') throw new Error(`roles A ${ra}, B ${rb}`);
        if (two.A || two.B) throw new Error(`allow-two-primaries already on (A ${two.A}, B ${two.B})`);
        return `A ${ra}, B ${rb}; allow-two-primaries off on both`;
      },
      (s) => s,
    );
    rep.log('  (the guest keeps re-reading its disk; now moving it while it runs)');
    await A.run('rm -f /var/log/xen/console/guest-demo*.log');
    await rep.step(
      'xl migrate demo B → A (live)',
      async () => {
        const m = await xlMigrate(B, A, 'demo');
        const tail = `${m.stdout}\n${m.stderr}`.trim().split('\n').filter(Boolean).slice(-2).join(' | ');
        if (m.code !== 0) throw new Error(`xl migrate failed rc=${m.code}${m.timedOut ? ' (timed out)' : ''}: ${tail}`);
        if (!(await domainExists(A, 'demo'))) throw new Error('xl migrate returned 0 but the guest is not on A');
        if (await domainExists(B, 'demo')) throw new Error('the guest is still on B');
        facts['xl migrate B → A'] = `rc 0 in ${(m.ms / 1000).toFixed(1)} s`;
        return m;
      },
      (m) => `rc 0 in ${(m.ms / 1000).toFixed(1)} s; guest now runs on A`,
    );
    await rep.step(
      'guest on A keeps reading the same data',
      async () => {
        const r = await A.waitFor(
          'cat /var/log/xen/console/guest-demo--incoming.log 2>/dev/null',
          (x) => guestResults(x.stdout).some((g) => g.op === 'watch' && g.sha256 === lab!.payloadSha256),
          120_000,
          'guest re-reads its disk on A',
        );
        const ticks = guestResults(r.stdout).filter((g) => g.op === 'watch');
        return ticks[ticks.length - 1]!.sha256;
      },
      (s) => `sha256 ${s.slice(0, 16)}… matches (read after the move)`,
    );
    await rep.step(
      'after migration: exactly one Primary, allow-two-primaries off on both',
      async () => {
        const ra = await waitRole(A, 'r0', /^Primary\//, 60_000);
        const rb = await waitRole(B, 'r0', /^Secondary\//, 60_000);
        const primaries = [ra, rb].filter((r) => r.startsWith('Primary/')).length;
        const two = await allowTwoPrimaries(A, B);
        facts['roles after migration'] = `A ${ra}, B ${rb} (${primaries} Primary)`;
        facts['allow-two-primaries after migration'] = `A ${two.A ? 'ON' : 'off'}, B ${two.B ? 'ON' : 'off'} (drbdsetup show r0)`;
        if (primaries !== 1 || ra !== 'Primary/Secondary') throw new Error(`roles A ${ra}, B ${rb}`);
        if (two.A || two.B) throw new Error(`allow-two-primaries left on (A ${two.A}, B ${two.B})`);
        return `A ${ra}, B ${rb}; allow-two-primaries off on A and B`;
      },
      (s) => s,
    );
    return 0;
  } catch {
    return 1;
  } finally {
    clearTimeout(overall);
    if (lab) {
      await lab.stop();
      facts['qemu peak RSS'] = `A ${(lab.hosts.A.peakRssKb / 1024).toFixed(0)} MiB, B ${(lab.hosts.B.peakRssKb / 1024).toFixed(0)} MiB`;
    }
    console.log(rep.summary(facts));
    console.log(rep.failed() ? '\nRESULT: FAIL' : '\nRESULT: PASS');
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
