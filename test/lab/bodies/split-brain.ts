// Split-brain: with the replication link cut, A's guest writes and a second writer on B writes
// too (what any start on B would do: without fencing, B cannot tell a cut link from a dead A). The
// link back, DRBD finds two data generations and drops to StandAlone on both, resolving nothing.
// block-drbd must refuse every start until an admin decides, `xen-drbd status` must say so, and the
// recovery the refusal names must end with one data set: the survivor's, on both hosts.
import { useLab, stepLog, type ScenarioOptions } from '../lib/scenario';
import {
  domainExists,
  drbdView,
  guestResults,
  R0,
  replicationNic,
  waitCstate,
  waitDomainGone,
  waitGuestDone,
  waitRole,
  waitUpToDate,
  xlCreate,
  xlError,
} from '../lib/drbd';
import type { Host } from '../lib/lab';
import { expectStandAloneReported } from '../lib/xen-drbd-status';

const SPLIT_BRAIN = /Split-Brain detected but unresolved, dropping connection/g;

const splitBrainLines = async (h: Host): Promise<number> => ((await h.sh('dmesg')).match(SPLIT_BRAIN) ?? []).length;

/** The scenario on the lab `options` asks for (DRBD 8.4 by default, or 9). */
export function splitBrainScenario(NAME: string, options: ScenarioOptions = {}): void {
  const lab = useLab(NAME, [R0], options);
  /** block-drbd's refusal on A: its recovery steps are run verbatim. */
  let refusal = '';
  const standAlone = { role: 'Secondary/Unknown', cstate: 'StandAlone', dstate: 'UpToDate/DUnknown' };
  describe('split-brain: StandAlone on both hosts, every start refused until an admin decides', () => {
    test("link cut: A's guest writes, B writes too; link back: StandAlone on both, nothing resolved", async () => {
      const { lab: l, A, B, note } = lab();
      const before = (await splitBrainLines(A)) + (await splitBrainLines(B));
      const nic = await replicationNic(B);
      await B.sh(`ip link set dev ${nic} down`);
      try {
        for (const h of [A, B]) await waitCstate(h, 'r0', /^WFConnection$/, 90_000, `r0 looking for its peer on ${h.name}`);
        const r = await xlCreate(A, { name: 'sb', disks: ['drbd:r0,xvda,w'], action: 'write' });
        expect(r.code).toBe(0);
        expect(guestResults(await waitGuestDone(A, 'sb', 180_000)).find((g) => g.op === 'write')?.sha256).toBe(l.payloadSha256);
        await waitDomainGone(A, 'sb');
        expect(await waitRole(A, 'r0', /^Secondary\//)).toBe('Secondary/Unknown');
        // The second writer: 1 MiB of noise over the start of the disk, where the guest wrote.
        await B.sh(
          'drbdadm primary r0 && dd if=/dev/urandom of=/dev/drbd0 bs=64K count=16 oflag=direct status=none && drbdadm secondary r0',
        );
      } finally {
        await B.sh(`ip link set dev ${nic} up`);
      }
      for (const h of [A, B])
        await waitCstate(h, 'r0', /^(StandAlone|Connected|SyncSource|SyncTarget)$/, 90_000, `r0 settled on ${h.name}`);
      const after = { A: await drbdView(A, 'r0'), B: await drbdView(B, 'r0') };
      note('after the link came back', JSON.stringify(after));
      expect(after).toEqual({ A: standAlone, B: standAlone });
      expect((await splitBrainLines(A)) + (await splitBrainLines(B))).toBeGreaterThan(before);
    });

    test('a start on A is refused naming StandAlone and the way out, r0 stays Secondary; xen-drbd status exits 1 (standalone)', async () => {
      const { A, B, note } = lab();
      const r = await xlCreate(A, { name: 'sb', disks: ['drbd:r0,xvda,w'], action: 'verify' });
      const msg = xlError(r);
      refusal = msg;
      stepLog(NAME, `xl create on A while StandAlone rc=${r.code}: ${msg}`);
      note('refusal', msg.slice(0, 240));
      expect(r.code).not.toBe(0);
      expect(msg).toMatch(/r0: DRBD is StandAlone .*After a split-brain, decide which host's changes to discard/);
      expect(await domainExists(A, 'sb')).toBe(false);
      expect({ A: await drbdView(A, 'r0'), B: await drbdView(B, 'r0') }).toEqual({ A: standAlone, B: standAlone });
      await expectStandAloneReported(A, note);
    });

    test("the refusal's recovery run verbatim, B's writes discarded: both UpToDate, and a guest on B reads what A's guest wrote", async () => {
      const { lab: l, A, B, note } = lab();
      const m = /on that host stop the domains on it, then (.*?); on the other host '([^']+)'/.exec(refusal);
      const discard = [...(m?.[1] ?? '').matchAll(/'([^']+)'/g)].map((x) => x[1]!);
      expect({ B: discard, A: m?.[2] }).toEqual({
        B: ['drbdadm secondary r0', 'drbdadm connect --discard-my-data r0'],
        A: 'drbdadm connect r0',
      });
      await B.sh(discard.join(' && '));
      await A.sh(m![2]!);
      const t = Date.now();
      await waitUpToDate(l, 'r0');
      note('reconnected to UpToDate s', ((Date.now() - t) / 1000).toFixed(1));
      const r = await xlCreate(B, { name: 'sb', disks: ['drbd:r0,xvda,w'], action: 'verify' });
      expect(r.code).toBe(0);
      const v = guestResults(await waitGuestDone(B, 'sb', 180_000)).find((g) => g.op === 'verify');
      expect(v?.sha256).toBe(l.payloadSha256);
      await waitDomainGone(B, 'sb');
      expect(await waitRole(B, 'r0', /^Secondary\//)).toBe('Secondary/Secondary');
    });
  });
}
