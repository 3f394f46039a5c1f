// Live migration A → B → A of a running PVH guest on a resource configured with
// `allow-two-primaries yes` (what Debian's bash block-drbd requires for migration).
// The guest keeps re-reading its disk; after each move its new console must show the payload.
import { useLab, stepLog, type ScenarioOptions } from '../lib/scenario';
import { R0, domainExists, guestResults, role, waitDomainGone, waitRole, xlCreate, xlError, xlMigrate } from '../lib/drbd';
import { startWatchedGuest } from '../lib/migration';
import type { Host } from '../lib/lab';

// xenconsoled on the destination names the log after the domain's name at creation time,
// which during `xl migrate-receive` is "mig--incoming".
async function waitWatchTick(h: Host, sha: string): Promise<void> {
  await h.waitFor(
    'cat /var/log/xen/console/guest-mig--incoming.log 2>/dev/null',
    (x) => guestResults(x.stdout).some((g) => g.op === 'watch' && g.sha256 === sha),
    120_000,
    'guest re-reads its disk after the move',
  );
}

/** The scenario on the lab `options` asks for (DRBD 8.4 by default, or 9). */
export function liveMigrationScenario(NAME: string, options: ScenarioOptions = {}): void {
  const lab = useLab(NAME, [{ ...R0, net: 'allow-two-primaries yes;' }], options);
  describe('live migration with allow-two-primaries', () => {
    test('A → B', async () => {
      const { lab: l, A, B, note } = lab();
      await startWatchedGuest(A, 'mig', l.payloadSha256);
      await B.run('rm -f /var/log/xen/console/guest-mig*.log');
      const m = await xlMigrate(A, B, 'mig');
      stepLog(NAME, `xl migrate A→B rc=${m.code} in ${(m.ms / 1000).toFixed(1)} s: ${m.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      note('A→B rc', String(m.code));
      note('A→B s', (m.ms / 1000).toFixed(1));
      note('A→B roles', `A ${await role(A, 'r0')}, B ${await role(B, 'r0')}`);
      expect(m.code).toBe(0);
      expect(await domainExists(B, 'mig')).toBe(true);
      expect(await domainExists(A, 'mig')).toBe(false);
      await waitWatchTick(B, l.payloadSha256);
      expect(await waitRole(A, 'r0', /^Secondary\//)).toBe('Secondary/Primary');
      expect(await role(B, 'r0')).toBe('Primary/Secondary');
    });

    test('a normal start on A while B runs the guest is refused, dual-primary config or not', async () => {
      const { lab: l, A, B, note } = lab();
      const r = await xlCreate(A, { name: 'intruder', disks: ['drbd:r0,xvda,w'], action: 'verify' });
      note('intruder', xlError(r).slice(0, 200));
      stepLog(NAME, `xl create intruder on A: rc=${r.code}: ${xlError(r)}`);
      expect(r.code).not.toBe(0);
      expect(xlError(r)).toMatch(/r0/);
      expect(await domainExists(A, 'intruder')).toBe(false);
      expect(await role(A, 'r0')).toBe('Secondary/Primary');
      expect(await role(B, 'r0')).toBe('Primary/Secondary');
      await waitWatchTick(B, l.payloadSha256);
    });

    test('B → A, then shutdown', async () => {
      const { lab: l, A, B, note } = lab();
      await A.run('rm -f /var/log/xen/console/guest-mig*.log');
      const m = await xlMigrate(B, A, 'mig');
      stepLog(NAME, `xl migrate B→A rc=${m.code} in ${(m.ms / 1000).toFixed(1)} s: ${m.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      note('B→A rc', String(m.code));
      note('B→A s', (m.ms / 1000).toFixed(1));
      expect(m.code).toBe(0);
      await waitWatchTick(A, l.payloadSha256);
      expect(await waitRole(B, 'r0', /^Secondary\//)).toBe('Secondary/Primary');
      expect((await A.run('xl shutdown -w mig', { timeoutMs: 120_000 })).code).toBe(0);
      await waitDomainGone(A, 'mig');
      expect(await waitRole(A, 'r0', /^Secondary\//)).toBe('Secondary/Secondary');
    });
  });
}
