// Refusal: r0 is Primary on B; `xl create` on A must fail, and nothing may change on either host.
import { useLab, stepLog, type ScenarioOptions } from '../lib/scenario';
import { domainExists, drbdView, R0, role, xlCreate, xlError } from '../lib/drbd';

/** The scenario on the lab `options` asks for (DRBD 8.4 by default, or 9). */
export function refusePeerPrimaryScenario(NAME: string, options: ScenarioOptions = {}): void {
  const lab = useLab(NAME, [R0], options);
  describe('refusal while the peer is Primary', () => {
    test('xl create on A fails and leaves A Secondary, B Primary', async () => {
      const { A, B, note } = lab();
      await B.sh('drbdadm primary r0');
      expect(await role(B, 'r0')).toBe('Primary/Secondary');
      const r = await xlCreate(A, { name: 'refused', disks: ['drbd:r0,xvda,w'], action: 'verify' });
      const msg = xlError(r);
      stepLog(NAME, `xl create rc=${r.code} in ${(r.ms / 1000).toFixed(1)} s: ${msg}`);
      note('xl create rc', String(r.code));
      note('message', msg.slice(0, 200));
      expect(r.code).not.toBe(0);
      expect(await domainExists(A, 'refused')).toBe(false);
      expect(await role(A, 'r0')).toBe('Secondary/Primary');
      expect(await role(B, 'r0')).toBe('Primary/Secondary');
      const view = await drbdView(A, 'r0');
      expect(view.cstate).toBe('Connected');
      expect(view.dstate).toBe('UpToDate/UpToDate');
      const left = await A.run('xenstore-ls /local/domain/0/backend/vbd 2>/dev/null | grep -c physical-device || true');
      expect(left.stdout.trim()).toBe('0');
    });
  });
}
