// Start/stop: `xl create` promotes r0 on A; the backend gets the keys of the hotplug contract;
// `xl shutdown` demotes r0 again once the guest is gone. On DRBD 9 also: both role changes were
// block-drbd's explicit ones (the kernel tags each: `[primary]`, `[secondary]`, or the opener's
// `comm:pid auto-promote` / `auto-demote`), and a resource with auto-promote off starts and stops
// the same.
import { useLab, stepLog, type ScenarioOptions } from '../lib/scenario';
import { domainExists, guestConsole, R0, role, vbdBackendKeys, waitDomainGone, waitGuestHolding, waitRole, xlCreate } from '../lib/drbd';

/** The scenario on the lab `options` asks for (DRBD 8.4 by default, or 9). */
export function startStopScenario(NAME: string, options: ScenarioOptions = {}): void {
  const lab = useLab(NAME, [R0], options);
  /** A's kernel log lines before the first `xl create`: what the DRBD 9 check reads starts after them. */
  let dmesgFrom = 0;
  describe('start/stop on drbd:r0', () => {
    test('xl create promotes r0 and writes physical-device, physical-device-path, hotplug-status', async () => {
      const { A, B, note } = lab();
      dmesgFrom = (await A.sh('dmesg')).split('\n').length - 1;
      const r = await xlCreate(A, { name: 'ss', disks: ['drbd:r0,xvda,w'], action: 'hold' });
      stepLog(NAME, `xl create rc=${r.code} in ${(r.ms / 1000).toFixed(1)} s ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`);
      note('xl create s', (r.ms / 1000).toFixed(1));
      expect(r.code).toBe(0);
      expect(await role(A, 'r0')).toBe('Primary/Secondary');
      expect(await role(B, 'r0')).toBe('Secondary/Primary');
      const keys = await vbdBackendKeys(A, 'ss');
      const be = Object.values(keys)[0] ?? {};
      stepLog(NAME, `backend keys: ${JSON.stringify(be)}`);
      expect(be['physical-device']).toBe('93:0');
      expect(be['physical-device-path']).toBe('/dev/drbd0');
      expect(be['hotplug-status']).toBe('connected');
      expect(be['params']).toBe('r0');
      expect(be['script']).toBe('/etc/xen/scripts/block-drbd');
      // The frontend connected: the guest saw its disk.
      await waitGuestHolding(A, 'ss');
    });

    test('xl shutdown demotes r0 after the guest is gone', async () => {
      const { A, B, note } = lab();
      const t = Date.now();
      const r = await A.run('xl shutdown -w ss', { timeoutMs: 120_000 });
      expect(r.code).toBe(0);
      await waitDomainGone(A, 'ss');
      const ra = await waitRole(A, 'r0', /^Secondary\//, 60_000);
      note('shutdown to Secondary s', ((Date.now() - t) / 1000).toFixed(1));
      expect(ra).toBe('Secondary/Secondary');
      expect(await role(B, 'r0')).toBe('Secondary/Secondary');
      expect(await domainExists(A, 'ss')).toBe(false);
      // No backend left behind for the guest.
      const left = await A.run('xenstore-ls /local/domain/0/backend/vbd 2>/dev/null | grep -c physical-device || true');
      expect(left.stdout.trim()).toBe('0');
      stepLog(
        NAME,
        `guest console: ${(await guestConsole(A, 'ss'))
          .split('\n')
          .filter((l) => l.startsWith('LAB-'))
          .join(' | ')}`,
      );
    });

    if (options.drbd !== 9) return;

    test('DRBD 9: the promotion and the demotion were explicit, not auto-promote by blkback opening the device', async () => {
      const { A } = lab();
      const roleLines = (await A.sh('dmesg'))
        .split('\n')
        .slice(dmesgFrom)
        .filter((l) => /drbd r0: role\(/.test(l));
      stepLog(NAME, `kernel, r0's role changes: ${roleLines.join(' | ')}`);
      // An explicit `primary` sets EXPLICIT_PRIMARY, so the last close does not auto-demote:
      // blkback letting go leaves r0 Primary until block-drbd's remove demotes it.
      expect(roleLines.map((l) => l.replace(/^.*drbd r0: /, ''))).toEqual([
        'role( Secondary -> Primary ) [primary]',
        'role( Primary -> Secondary ) [secondary]',
      ]);
    });

    test('DRBD 9: with auto-promote off, xl create still promotes r0 and xl shutdown demotes it', async () => {
      const { A, B } = lab();
      const setAutoPromote = (on: 'yes' | 'no') =>
        Promise.all([A, B].map((h) => h.sh(`drbdsetup resource-options r0 --auto-promote=${on}`)));
      await setAutoPromote('no');
      try {
        expect(await A.sh('drbdsetup show r0')).toMatch(/auto-promote\s+no;/);
        const r = await xlCreate(A, { name: 'ss', disks: ['drbd:r0,xvda,w'], action: 'hold' });
        expect(r.code).toBe(0);
        expect(await role(A, 'r0')).toBe('Primary/Secondary');
        await waitGuestHolding(A, 'ss');
        expect((await A.run('xl shutdown -w ss', { timeoutMs: 120_000 })).code).toBe(0);
        await waitDomainGone(A, 'ss');
        expect(await waitRole(A, 'r0', /^Secondary\//, 60_000)).toBe('Secondary/Secondary');
        expect(await role(B, 'r0')).toBe('Secondary/Secondary');
      } finally {
        await setAutoPromote('yes');
      }
    });
  });
}
