// allow-two-primaries is on (as for live migration) and B is Primary: a plain `xl create` on A
// must still be refused — a second writer outside a migration destroys the data.
// Debian's bash block-drbd is known to promote here (it only runs `drbdadm primary`).
import { useLab, stepLog, type ScenarioOptions } from '../lib/scenario';
import { domainExists, R0, role, xlCreate, xlError } from '../lib/drbd';

/** The scenario on the lab `options` asks for (DRBD 8.4 by default, or 9). */
export function twoPrimariesRefusedScenario(NAME: string, options: ScenarioOptions = {}): void {
  const lab = useLab(NAME, [R0], options);
  describe('peer Primary with allow-two-primaries', () => {
    test('xl create on A is refused all the same', async () => {
      const { A, B, note } = lab();
      await A.sh('drbdadm net-options --allow-two-primaries=yes r0');
      await B.sh('drbdadm net-options --allow-two-primaries=yes r0');
      await B.sh('drbdadm primary r0');
      const r = await xlCreate(A, { name: 'dual', disks: ['drbd:r0,xvda,w'], action: 'verify', poweroff: false });
      const msg = xlError(r);
      stepLog(NAME, `xl create rc=${r.code}: ${msg}`);
      note('xl create rc', String(r.code));
      note('role A after', await role(A, 'r0'));
      try {
        expect(r.code).not.toBe(0);
        expect(await domainExists(A, 'dual')).toBe(false);
        expect(await role(A, 'r0')).toBe('Secondary/Primary');
      } finally {
        if (await domainExists(A, 'dual')) {
          await A.run('xl destroy dual', { timeoutMs: 60_000 });
          await A.run('sleep 3; drbdadm secondary r0');
        }
      }
    });
  });
}
