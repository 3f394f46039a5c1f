// XD207: /etc/xen/scripts/block-drbd must be ours. Debian's drbd-utils (<= 9.30) installs LINBIT's
// shell script there, which promotes without looking at the peer and never waits for blkback.
import type { Rule } from '../inputs';
import { isOurBundle } from '../../startup-snapshot/layout';
import { drbdDomains } from '../resources';

const PATH = '/etc/xen/scripts/block-drbd';

export const blockDrbdScript: Rule = (inputs) => {
  const script = inputs.blockDrbdScript;
  const severity = drbdDomains(inputs).length > 0 ? ('error' as const) : ('warning' as const);
  if (script === undefined) {
    return [
      {
        code: 'XD207',
        severity,
        where: PATH,
        message: 'there is no block-drbd hotplug script: every drbd: disk fails to attach',
        fix: `install the xen-drbd package, or run 'xen-drbd install'`,
      },
    ];
  }
  if (isOurBundle(script.text)) return [];
  const linbit = /^#!\/bin\/(ba)?sh/.test(script.text) && script.text.includes('drbdadm');
  return [
    {
      code: 'XD207',
      severity,
      where: PATH,
      message: linbit
        ? "it is LINBIT's shell block-drbd (from drbd-utils), which promotes without checking the peer"
        : 'it is not the xen-drbd block-drbd',
      fix: "install the xen-drbd package (it diverts drbd-utils' copy so upgrades do not bring it back), or run 'xen-drbd install'",
    },
  ];
};
