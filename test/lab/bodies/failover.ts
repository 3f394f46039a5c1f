// Failover: the guest runs on A (r0 Primary there) and has written data; host A loses power
// (its qemu is SIGKILLed); B starts the guest, which must see the data A wrote.
import { useLab, stepLog, type ScenarioOptions } from '../lib/scenario';
import { drbdView, guestResults, R0, role, waitCstate, waitDomainGone, waitGuestDone, waitRole, xlCreate } from '../lib/drbd';

/** The scenario on the lab `options` asks for (DRBD 8.4 by default, or 9). */
export function failoverScenario(NAME: string, options: ScenarioOptions & { readonly leavesHostUnusable: true }): void {
  const lab = useLab(NAME, [R0], options);
  describe('failover after A is powered off abruptly', () => {
    test('B starts the guest on the data A wrote', async () => {
      const { lab: l, A, B, note } = lab();
      const r = await xlCreate(A, { name: 'fo', disks: ['drbd:r0,xvda,w'], action: 'write', poweroff: false });
      expect(r.code).toBe(0);
      const out = await waitGuestDone(A, 'fo', 180_000);
      const w = guestResults(out).find((x) => x.op === 'write');
      expect(w?.sha256).toBe(l.payloadSha256);
      expect(await role(A, 'r0')).toBe('Primary/Secondary');

      await l.powerOff('A');
      const t = Date.now();
      await waitCstate(B, 'r0', /WFConnection/, 90_000, 'B notices A is gone');
      note('peer loss detected s', ((Date.now() - t) / 1000).toFixed(1));
      stepLog(NAME, `B: ${await role(B, 'r0')} ${(await drbdView(B, 'r0')).dstate}`);

      const c = await xlCreate(B, { name: 'fo', disks: ['drbd:r0,xvda,w'], action: 'verify', poweroff: false });
      stepLog(NAME, `xl create on B rc=${c.code} ${c.stderr.trim().split('\n').slice(-2).join(' | ')}`);
      expect(c.code).toBe(0);
      const vout = await waitGuestDone(B, 'fo', 180_000);
      const v = guestResults(vout).find((x) => x.op === 'verify');
      expect(v?.sha256).toBe(l.payloadSha256);
      expect(await role(B, 'r0')).toBe('Primary/Unknown');
      note('failover total s', ((Date.now() - t) / 1000).toFixed(1));

      expect((await B.run('xl shutdown -w fo', { timeoutMs: 120_000 })).code).toBe(0);
      await waitDomainGone(B, 'fo');
      expect(await waitRole(B, 'r0', /^Secondary\//)).toBe('Secondary/Unknown');
    });
  });
}
