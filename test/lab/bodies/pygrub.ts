// pygrub: a PV guest whose kernel and initrd live on the DRBD disk itself. Before the domain
// exists libxl attaches the disk to dom0 (running block-drbd add for frontend 0), pygrub
// reads /boot/grub/menu.lst, libxl detaches (block-drbd remove), then attaches it to the guest
// (add again). The guest must boot from the DRBD disk, and r0 must be Secondary afterwards.
import { useLab, stepLog, type ScenarioOptions } from '../lib/scenario';
import { R0, role, settledRole, waitDomainGone, waitGuestDone } from '../lib/drbd';

const PREPARE = `set -e
drbdadm primary r0
mkfs.ext4 -q -F /dev/drbd0
mkdir -p /tmp/g && mount /dev/drbd0 /tmp/g
mkdir -p /tmp/g/boot/grub
cp /lab/domu/vmlinuz /tmp/g/boot/vmlinuz
cp /lab/domu/initrd.cpio /tmp/g/boot/initrd.cpio
cat > /tmp/g/boot/grub/menu.lst <<'MENU'
default 0
timeout 0
title xen-drbd lab (pygrub)
root (hd0)
kernel /boot/vmlinuz console=hvc0 lab_action=hold lab_from=pygrub
initrd /boot/initrd.cpio
MENU
umount /tmp/g
drbdadm secondary r0
`;

const CONFIG = `name = "pyg"
type = "pv"
bootloader = "pygrub"
memory = 128
vcpus = 1
on_poweroff = "destroy"
on_crash = "destroy"
disk = [ 'drbd:r0,xvda,w' ]
`;

/** The scenario on the lab `options` asks for (DRBD 8.4 by default, or 9). */
export function pygrubScenario(NAME: string, options: ScenarioOptions = {}): void {
  const lab = useLab(NAME, [R0], options);
  describe('pygrub from a drbd: disk', () => {
    test('guest boots the kernel found on r0; r0 Secondary after shutdown', async () => {
      const { A, B, note } = lab();
      await A.sh(PREPARE, { timeoutMs: 120_000 });
      expect(await role(A, 'r0')).toBe('Secondary/Secondary');
      await A.sh('mkdir -p /etc/xen/lab && rm -f /var/log/xen/console/guest-pyg.log && cat > /etc/xen/lab/pyg.cfg', { stdin: CONFIG });
      const r = await A.run('xl create /etc/xen/lab/pyg.cfg', { timeoutMs: 180_000 });
      stepLog(NAME, `xl create rc=${r.code} in ${(r.ms / 1000).toFixed(1)} s: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      note('xl create rc', String(r.code));
      note('xl create s', (r.ms / 1000).toFixed(1));
      const hp = (await A.run('grep -v "^$" /var/log/xen/xen-hotplug.log 2>/dev/null | tail -n 12')).stdout;
      stepLog(NAME, `xen-hotplug.log: ${hp.trim().split('\n').join(' | ')}`);
      expect(r.code).toBe(0);
      const out = await waitGuestDone(A, 'pyg', 180_000);
      expect(out).toMatch(/LAB-GUEST cmdline .*lab_from=pygrub/);
      expect(await role(A, 'r0')).toBe('Primary/Secondary');
      expect((await A.run('xl shutdown -w pyg', { timeoutMs: 120_000 })).code).toBe(0);
      await waitDomainGone(A, 'pyg');
      const final = await settledRole(A, 'r0', /^Secondary\//, 60_000);
      note('role A after', final);
      expect(final).toBe('Secondary/Secondary');
      expect(await role(B, 'r0')).toBe('Secondary/Secondary');
    });
  });
}
