// Live migration A → B on a resource WITHOUT allow-two-primaries in its configuration (the
// normal, safe setting). The goal of xen-drbd: the migration succeeds anyway (dual-primary only
// for the migration window) and no permanent dual-primary is left behind.
// Debian's bash block-drbd cannot do this: B's promote is refused ("Multiple primaries not
// allowed by config") and the guest resumes on A.
import { useLab, stepLog, type ScenarioOptions } from '../lib/scenario';
import { domainExists, guestResults, R0, role, waitRole, xlMigrate } from '../lib/drbd';
import { startWatchedGuest } from '../lib/migration';

/** The scenario on the lab `options` asks for (DRBD 8.4 by default, or 9). */
export function migrationSinglePrimaryScenario(NAME: string, options: ScenarioOptions = {}): void {
  const lab = useLab(NAME, [R0], options);
  describe('live migration, single-primary resource', () => {
    test('A → B succeeds and leaves no allow-two-primaries behind', async () => {
      const { lab: l, A, B, note } = lab();
      await startWatchedGuest(A, 'mig', l.payloadSha256);
      await B.run('rm -f /var/log/xen/console/guest-mig*.log');
      const m = await xlMigrate(A, B, 'mig');
      const tail = m.stderr.trim().split('\n').slice(-3).join(' | ');
      stepLog(NAME, `xl migrate A→B rc=${m.code} in ${(m.ms / 1000).toFixed(1)} s: ${tail}`);
      note('rc', String(m.code));
      note('seconds', (m.ms / 1000).toFixed(1));
      note('migrate output', tail.slice(0, 200));
      note('guest on', (await domainExists(B, 'mig')) ? 'B' : (await domainExists(A, 'mig')) ? 'A' : 'nowhere');
      note('roles after', `A ${await role(A, 'r0')}, B ${await role(B, 'r0')}`);
      const showA = await A.sh('drbdsetup show r0');
      const showB = await B.sh('drbdsetup show r0');
      note('allow-two-primaries left on', String(/allow-two-primaries\s+yes/.test(showA + showB)));
      expect(m.code).toBe(0);
      expect(await domainExists(B, 'mig')).toBe(true);
      await B.waitFor(
        'cat /var/log/xen/console/guest-mig--incoming.log 2>/dev/null',
        (x) => guestResults(x.stdout).some((g) => g.op === 'watch' && g.sha256 === l.payloadSha256),
        120_000,
        'guest re-reads its disk on B',
      );
      expect(await waitRole(A, 'r0', /^Secondary\//)).toBe('Secondary/Primary');
      expect(await role(B, 'r0')).toBe('Primary/Secondary');
      expect(/allow-two-primaries\s+yes/.test((await A.sh('drbdsetup show r0')) + (await B.sh('drbdsetup show r0')))).toBe(false);
    });
  });
}
