// DRBD 9 quorum with a third node: r0 on A and B (disks) and C (plain Linux, no Xen; a diskless
// tiebreaker: it votes without holding a third copy, which is how LINSTOR places one), `quorum
// majority`. Only a host that sees a majority of the three may start the domain.
import { startWatchedGuest } from '../lib/migration';
import { useLab, stepLog } from '../lib/scenario';
import {
  domainExists,
  guestResults,
  hasQuorum,
  R0_QUORUM,
  replicationNic,
  role,
  STATUS9,
  waitCstate,
  waitDomainGone,
  waitGuestDone,
  waitQuorum,
  waitRole,
  waitUpToDate,
  xlCreate,
  xlError,
  xlMigrate,
} from '../lib/drbd';

const NAME = 'drbd9-quorum';
const lab = useLab(NAME, [R0_QUORUM], { drbd: 9, hosts: ['A', 'B', 'C'] });

describe('DRBD 9 quorum majority with a diskless tiebreaker', () => {
  test('B down: A keeps quorum with C and starts the domain, which writes', async () => {
    const { lab: l, A, B, note } = lab();
    expect(await hasQuorum(A, 'r0')).toBe(true);
    await B.sh('drbdadm down r0');
    await waitCstate(A, 'r0', /WFConnection/, 60_000, 'A sees B gone');
    expect(await hasQuorum(A, 'r0')).toBe(true);
    const r = await xlCreate(A, { name: 'q', disks: ['drbd:r0,xvda,w'], action: 'write' });
    stepLog(NAME, `xl create on A with B down rc=${r.code} in ${(r.ms / 1000).toFixed(1)} s`);
    expect(r.code).toBe(0);
    const out = await waitGuestDone(A, 'q', 180_000);
    expect(guestResults(out).find((g) => g.op === 'write')?.sha256).toBe(l.payloadSha256);
    await waitDomainGone(A, 'q');
    expect(await waitRole(A, 'r0', /^Secondary\//)).toMatch(/^Secondary\//);
    await B.sh('drbdadm up r0');
    const t = Date.now();
    await waitUpToDate(l, 'r0');
    note('B back UpToDate s', ((Date.now() - t) / 1000).toFixed(1));
  });

  test("A cut off from both peers: A refuses naming quorum; B, with C, starts the domain on A's data", async () => {
    const { lab: l, A, B, C, note } = lab();
    const nic = await replicationNic(A);
    await A.sh(`ip link set dev ${nic} down`);
    try {
      await waitQuorum(A, 'r0', false);
      await waitQuorum(B, 'r0', true);
      const status = await A.sh(STATUS9('r0'));
      stepLog(NAME, `A without quorum: ${JSON.stringify(JSON.parse(status))}`);
      const r = await xlCreate(A, { name: 'q', disks: ['drbd:r0,xvda,w'], action: 'verify' });
      const msg = xlError(r);
      stepLog(NAME, `xl create on A without quorum rc=${r.code}: ${msg}`);
      note('refusal', msg.slice(0, 240));
      expect(r.code).not.toBe(0);
      expect(msg).toMatch(/no DRBD quorum/);
      expect(await domainExists(A, 'q')).toBe(false);
      expect(await role(A, 'r0')).toMatch(/^Secondary\//);
      // The admin's view: the status table names every peer and flags the lost quorum.
      const st = await A.run('node /lab/dist/xen-drbd status', { timeoutMs: 60_000, job: true });
      stepLog(NAME, `xen-drbd status on A (rc=${st.code}):\n${st.stdout}${st.stderr}`);
      expect(st.code).toBe(1);
      expect(st.stdout + st.stderr).toMatch(/hostb \w+, hostc \w+/);
      expect(st.stdout + st.stderr).toMatch(/no DRBD quorum on this host/);

      const c = await xlCreate(B, { name: 'q', disks: ['drbd:r0,xvda,w'], action: 'verify' });
      stepLog(NAME, `xl create on B (with C) rc=${c.code} in ${(c.ms / 1000).toFixed(1)} s`);
      expect(c.code).toBe(0);
      const out = await waitGuestDone(B, 'q', 180_000);
      expect(guestResults(out).find((g) => g.op === 'verify')?.sha256).toBe(l.payloadSha256);
      await waitDomainGone(B, 'q');
      expect(await waitRole(B, 'r0', /^Secondary\//)).toMatch(/^Secondary\//);
      expect(await hasQuorum(C!, 'r0')).toBe(true);
    } finally {
      await A.sh(`ip link set dev ${nic} up`);
    }
    const t = Date.now();
    await waitQuorum(A, 'r0', true);
    await waitUpToDate(l, 'r0');
    note('A back with quorum, UpToDate s', ((Date.now() - t) / 1000).toFixed(1));
  });

  test('live migration A → B with C connected: two primaries on the A-B connection only, none left after', async () => {
    const { lab: l, A, B, C, note } = lab();
    // What block-drbd runs on B for the window (argv.ts: RES:PEER): drbdadm's dry run shows it
    // touches the connection to A (node-id 0) alone, never the one to C.
    const dry = await B.sh('drbdadm -d net-options --allow-two-primaries=yes r0:hosta');
    stepLog(NAME, `drbdadm -d on B: ${dry.trim()}`);
    expect(dry.trim().split('\n')).toEqual([expect.stringMatching(/^drbdsetup net-options r0 0 .*--allow-two-primaries=yes/)]);
    await startWatchedGuest(A, 'm', l.payloadSha256);
    await B.run('rm -f /var/log/xen/console/guest-m*.log');
    const m = await xlMigrate(A, B, 'm');
    stepLog(NAME, `xl migrate A→B rc=${m.code} in ${(m.ms / 1000).toFixed(1)} s: ${m.stderr.trim().split('\n').slice(-2).join(' | ')}`);
    note('A→B s', (m.ms / 1000).toFixed(1));
    expect(m.code).toBe(0);
    await B.waitFor(
      'cat /var/log/xen/console/guest-m--incoming.log 2>/dev/null',
      (x) => guestResults(x.stdout).some((g) => g.op === 'watch' && g.sha256 === l.payloadSha256),
      120_000,
      'guest re-reads its disk on B',
    );
    expect(await waitRole(A, 'r0', /^Secondary\//)).toMatch(/^Secondary\//);
    expect(await role(B, 'r0')).toMatch(/^Primary\//);
    for (const h of [A, B, C!]) expect(await h.sh('drbdsetup show r0')).not.toMatch(/allow-two-primaries\s+yes/);
    expect((await B.run('xl destroy m', { timeoutMs: 60_000 })).code).toBe(0);
    await waitDomainGone(B, 'm');
    expect(await waitRole(B, 'r0', /^Secondary\//)).toMatch(/^Secondary\//);
  });
});
