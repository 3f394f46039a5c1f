// No UpToDate data reachable: A is cut off from B and its disk is Outdated. `xl create` on A
// must fail with a readable reason and leave r0 Secondary. On DRBD 9 also: with A connecting, the
// add waits on DRBD's events (one `drbdsetup events2 r0`), and B coming back ends the wait.
import { useLab, stepLog, type ScenarioOptions } from '../lib/scenario';
import {
  domainExists,
  drbdView,
  R0,
  role,
  waitCstate,
  waitDomainGone,
  waitGuestHolding,
  waitRole,
  waitUpToDate,
  xlCreate,
  xlError,
} from '../lib/drbd';

/** The scenario on the lab `options` asks for (DRBD 8.4 by default, or 9). */
export function noUpToDateDataScenario(NAME: string, options: ScenarioOptions = {}): void {
  const lab = useLab(NAME, [R0], options);
  describe('no UpToDate data reachable', () => {
    test('xl create on A fails clearly and leaves r0 Secondary', async () => {
      const { lab: l, A, B, note } = lab();
      await B.sh('drbdadm down r0');
      await waitCstate(A, 'r0', /WFConnection/, 60_000, 'A notices B is gone');
      // drbd-utils 9.22's `drbdadm outdate` goes to drbdmeta, which refuses an attached device
      // ("Device '0' is configured!"); DRBD 9's kernel outdates it through drbdsetup.
      await A.sh(`drbdadm disconnect r0 && ${l.drbd === 9 ? 'drbdsetup outdate 0' : 'drbdadm outdate r0'}`);
      expect((await drbdView(A, 'r0')).dstate).toBe('Outdated/DUnknown');
      const r = await xlCreate(A, { name: 'nodata', disks: ['drbd:r0,xvda,w'], action: 'verify' });
      const msg = xlError(r);
      stepLog(NAME, `xl create rc=${r.code}: ${msg}`);
      note('message', msg.slice(0, 240));
      note('mentions UpToDate', String(/UpToDate/i.test(r.stderr + r.stdout)));
      expect(r.code).not.toBe(0);
      expect(await domainExists(A, 'nodata')).toBe(false);
      expect(await role(A, 'r0')).toBe('Secondary/Unknown');
      const hp = (await A.run('cat /var/log/xen/xen-hotplug.log 2>/dev/null | tail -5')).stdout;
      stepLog(NAME, `xen-hotplug.log tail: ${hp.trim().split('\n').join(' | ')}`);
    });

    if (options.drbd !== 9) return;

    test('DRBD 9: A connecting, the add waits on events2; B back with its UpToDate data ends the wait', async () => {
      const { lab: l, A, B, note } = lab();
      await A.sh('drbdadm connect r0');
      await waitCstate(A, 'r0', /WFConnection/, 60_000, 'A connecting');
      const create = xlCreate(A, { name: 'waits', disks: ['drbd:r0,xvda,w'], action: 'hold' });
      // The add is in its wait once its watch runs; a hang guard, the add waits up to 22 s.
      await A.waitFor('pgrep -fx "drbdsetup events2 r0"', (r) => r.code === 0, 60_000, "block-drbd's events2 watch");
      const t = Date.now();
      await B.sh('drbdadm up r0');
      const r = await create;
      note('B up to xl create done s', ((Date.now() - t) / 1000).toFixed(1));
      stepLog(NAME, `xl create rc=${r.code} ${(Date.now() - t) / 1000} s after B came up: ${xlError(r)}`);
      expect(r.code).toBe(0);
      expect(await role(A, 'r0')).toBe('Primary/Secondary');
      expect((await A.run('pgrep -f "drbdsetup events2"')).code).toBe(1); // the watch was closed
      await waitGuestHolding(A, 'waits');
      expect((await A.run('xl shutdown -w waits', { timeoutMs: 120_000 })).code).toBe(0);
      await waitDomainGone(A, 'waits');
      expect(await waitRole(A, 'r0', /^Secondary\//, 60_000)).toBe('Secondary/Secondary');
      await waitUpToDate(l, 'r0');
    });
  });
}
