// No UpToDate data reachable: A is cut off from B and its disk is Outdated. `xl create` on A
// must fail with a readable reason and leave r0 Secondary.
import { useLab, stepLog } from '../lib/scenario';
import { domainExists, role, xlCreate, xlError } from '../lib/drbd';

const NAME = 'no-uptodate-data';
const lab = useLab(NAME);

describe('no UpToDate data reachable', () => {
  test('xl create on A fails clearly and leaves r0 Secondary', async () => {
    const { A, B, note } = lab();
    await B.sh('drbdadm down r0');
    await A.waitFor('drbdadm cstate r0', (x) => /WFConnection/.test(x.stdout), 60_000);
    await A.sh('drbdadm disconnect r0 && drbdadm outdate r0');
    expect((await A.sh('drbdadm dstate r0')).trim()).toBe('Outdated/DUnknown');
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
