// libxl SIGKILLs a hotplug script that overruns its 40 s budget. Here a wrapper runs the real
// block-drbd add, waits until r0 is Primary, SIGKILLs it and fails; libxl then tears the
// domain down and runs `remove` (through the same wrapper, which just execs the real script):
// r0 must be Secondary again afterwards.
import { useLab, stepLog, type ScenarioOptions } from '../lib/scenario';
import { domainExists, R0, role, settledRole, xlCreate } from '../lib/drbd';

const WRAPPER = `#!/bin/bash
real=/etc/xen/scripts/block-drbd
if [ "$1" = add ]; then
  "$real" add &
  pid=$!
  for i in $(seq 1 400); do
    drbdadm role r0 2>/dev/null | grep -q '^Primary' && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.05
  done
  if kill -9 $pid 2>/dev/null; then echo "lab: SIGKILLed block-drbd add (pid $pid) after promote" >&2; else echo "lab: block-drbd add had already exited" >&2; fi
  echo "$(date +%s) killed-add $pid" >> /var/log/lab/add-killer.log
  exit 1
fi
echo "$(date +%s) $1" >> /var/log/lab/add-killer.log
exec "$real" "$@"
`;

/** The scenario on the lab `options` asks for (DRBD 8.4 by default, or 9). */
export function sigkillAddScenario(NAME: string, options: ScenarioOptions = {}): void {
  const lab = useLab(NAME, [R0], options);
  describe('SIGKILL of block-drbd add after the promotion', () => {
    test('the following remove restores Secondary', async () => {
      const { A, B, note } = lab();
      await A.sh('cat > /etc/xen/scripts/lab-add-killer && chmod 755 /etc/xen/scripts/lab-add-killer', { stdin: WRAPPER });
      const r = await xlCreate(A, {
        name: 'killed',
        disks: ['vdev=xvda,access=w,script=/etc/xen/scripts/lab-add-killer,target=r0'],
        action: 'verify',
      });
      stepLog(NAME, `xl create rc=${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      const killerLog = (await A.run('cat /var/log/lab/add-killer.log')).stdout.trim();
      stepLog(NAME, `wrapper log: ${killerLog.split('\n').join(' | ')}`);
      note('wrapper log', killerLog.replace(/\n/g, '; '));
      expect(r.code).not.toBe(0);
      expect(await domainExists(A, 'killed')).toBe(false);
      // The killed run wrote its lines to xen-hotplug.log as it went: its trace survives the SIGKILL.
      const pid = /killed-add (\d+)/.exec(killerLog)?.[1];
      const trace = (await A.run(`grep -F 'block-drbd[${pid}]:' /var/log/xen/xen-hotplug.log`)).stdout.trim();
      stepLog(NAME, `killed run's trace: ${trace.split('\n').join(' | ')}`);
      expect(trace).toMatch(/block-drbd\[\d+\]: debug: r0: promoting for backend\/vbd\/\d+\/\d+$/m);
      const final = await settledRole(A, 'r0', /^Secondary\//, 60_000);
      note('role A after', final);
      expect(final).toBe('Secondary/Secondary');
      expect(await role(B, 'r0')).toBe('Secondary/Secondary');
    });
  });
}
