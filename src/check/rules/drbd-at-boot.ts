// XD205: Debian installs drbd disabled (postinst: update-rc.d drbd defaults-disabled); then the
// auto-started domains fail at boot because their resources are not up.
import type { Rule } from '../inputs';
import { drbdDomains } from '../resources';

export const drbdAtBoot: Rule = (inputs) => {
  if (!inputs.drbd.ok || inputs.drbd.dump.resources.length === 0) return [];
  const b = inputs.boot;
  const enabled = b.systemd
    ? [...b.enabledUnits].some((u) => u === 'drbd.service' || /^drbd@.+\.(target|service)$/.test(u))
    : b.rcStartLinks.has('drbd');
  if (enabled) return [];
  const auto = drbdDomains(inputs).some((d) => d.file.autoStarted);
  return [
    {
      code: 'XD205',
      severity: auto ? 'error' : 'warning',
      where: b.systemd ? '/etc/systemd/system' : '/etc/rc2.d',
      message: `DRBD is not started at boot${auto ? ', so the DRBD domains in /etc/xen/auto cannot start' : ''}`,
      fix: b.systemd ? 'systemctl enable drbd.service (or drbd@RES.target per resource)' : 'update-rc.d drbd enable',
    },
  ];
};
