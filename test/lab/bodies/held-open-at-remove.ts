// Something still holds /dev/drbd0 open when libxl runs `block-drbd remove` (in real life:
// blkback releasing the device asynchronously). The demotion must be retried until it works.
// Debian's bash block-drbd tries once and leaves r0 Primary.
import { useLab, stepLog, type ScenarioOptions } from '../lib/scenario';
import { R0, role, settledRole, waitDomainGone, waitGuestHolding, xlCreate } from '../lib/drbd';

/** The scenario on the lab `options` asks for (DRBD 8.4 by default, or 9). */
export function heldOpenAtRemoveScenario(NAME: string, options: ScenarioOptions = {}): void {
  const lab = useLab(NAME, [R0], options);
  describe('device held open at remove', () => {
    test('r0 ends up Secondary once the holder lets go', async () => {
      const { A, note } = lab();
      const r = await xlCreate(A, { name: 'held', disks: ['drbd:r0,xvda,w'], action: 'hold' });
      expect(r.code).toBe(0);
      await waitGuestHolding(A, 'held');
      // Hold the device for 12 s from now (read-only open, as a second opener like blkback would).
      await A.sh("nohup bash -c 'exec 3</dev/drbd0; exec sleep 12' >/dev/null 2>&1 & echo $! > /tmp/holder.pid");
      const t = Date.now();
      expect((await A.run('xl shutdown -w held', { timeoutMs: 120_000 })).code).toBe(0);
      await waitDomainGone(A, 'held');
      stepLog(NAME, `guest gone after ${((Date.now() - t) / 1000).toFixed(1)} s; role now ${await role(A, 'r0')}`);
      const final = await settledRole(A, 'r0', /^Secondary\//, 50_000);
      note('role after remove', final);
      note('seconds to Secondary', ((Date.now() - t) / 1000).toFixed(1));
      const hp = (await A.run('tail -n 8 /var/log/xen/xen-hotplug.log 2>/dev/null')).stdout;
      stepLog(NAME, `xen-hotplug.log: ${hp.trim().split('\n').join(' | ')}`);
      expect(final).toBe('Secondary/Secondary');
    });
  });
}
