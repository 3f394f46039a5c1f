// XD203: LINBIT's Xen guide: in a Xen dom0 load drbd with disable_sendpage=1 (sendpage of pages
// granted by a guest can corrupt data on the wire).
import type { Rule } from '../inputs';

export const sendpage: Rule = (inputs) => {
  if (!inputs.drbd.ok || inputs.drbd.dump.resources.length === 0) return [];
  const set = inputs.modprobe.some((f) => /^\s*options\s+drbd\s+(?:.*\s)?disable_sendpage=(1|y|Y)\b/m.test(f.text));
  if (set) return [];
  return [
    {
      code: 'XD203',
      severity: 'warning',
      where: '/etc/modprobe.d',
      message: 'the drbd module is not loaded with disable_sendpage=1, which a Xen dom0 needs',
      fix: "echo 'options drbd disable_sendpage=1' > /etc/modprobe.d/drbd.conf; it applies from the next module load",
    },
  ];
};
