// No UpToDate data reachable: A is cut off from B and its disk is Outdated. `xl create` on A
// must fail with a readable reason and leave r0 Secondary.
import { useLab, stepLog, type ScenarioOptions } from '../lib/scenario';
import { domainExists, drbdView, R0, role, waitCstate, xlCreate, xlError } from '../lib/drbd';

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
  });
}
