// A two-volume resource r1 (minors 1 and 2) given to one guest as drbd:r1/0 and drbd:r1/1.
// The guest writes both disks on A; after shutdown r1 is Secondary; on B it reads both back.
import { useLab, stepLog, type ScenarioOptions } from '../lib/scenario';
import { R1_TWO_VOLUMES, guestResults, settledRole, waitDomainGone, waitGuestDone, waitRole, xlCreate } from '../lib/drbd';

const guest = { name: 'vols', disks: ['drbd:r1/0,xvda,w', 'drbd:r1/1,xvdb,w'], guestDisks: ['xvda', 'xvdb'] };

/** The scenario on the lab `options` asks for (DRBD 8.4 by default, or 9). */
export function twoVolumesScenario(NAME: string, options: ScenarioOptions = {}): void {
  const lab = useLab(NAME, [R1_TWO_VOLUMES], options);
  describe('two volumes of one resource in one guest', () => {
    test('write both on A, r1 demoted after shutdown', async () => {
      const { lab: l, A, note } = lab();
      const r = await xlCreate(A, { ...guest, action: 'write' });
      stepLog(NAME, `xl create on A rc=${r.code}: ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`);
      note('xl create A rc', String(r.code));
      expect(r.code).toBe(0);
      const out = await waitGuestDone(A, 'vols', 180_000);
      const res = guestResults(out).filter((x) => x.op === 'write');
      expect(res.map((x) => x.disk).sort()).toEqual(['xvda', 'xvdb']);
      for (const x of res) expect(x.sha256).toBe(l.payloadSha256);
      await waitDomainGone(A, 'vols');
      const final = await settledRole(A, 'r1', /^Secondary\/\S+\nSecondary\//, 60_000);
      note('r1 role A after', final.replace(/\n/g, ' '));
      expect(final).toBe('Secondary/Secondary\nSecondary/Secondary');
    });

    test('read both on B', async () => {
      const { lab: l, B, note } = lab();
      const r = await xlCreate(B, { ...guest, action: 'verify' });
      note('xl create B rc', String(r.code));
      expect(r.code).toBe(0);
      const out = await waitGuestDone(B, 'vols', 180_000);
      const res = guestResults(out).filter((x) => x.op === 'verify');
      expect(res.map((x) => x.disk).sort()).toEqual(['xvda', 'xvdb']);
      for (const x of res) expect(x.sha256).toBe(l.payloadSha256);
      await waitDomainGone(B, 'vols');
      expect(await waitRole(B, 'r1', /^Secondary\/\S+\nSecondary\//, 60_000)).toBe('Secondary/Secondary\nSecondary/Secondary');
    });
  });
}
