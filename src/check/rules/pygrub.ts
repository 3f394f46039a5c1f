// XD109: pygrub reads the boot disk in dom0 before the domain exists: libxl attaches the DRBD disk
// to dom0 (block-drbd add with frontend 0), which needs Xen >= 4.6 and xen-blkfront in dom0, and a
// fresh boot promotes, demotes and promotes again.
import type { Rule } from '../inputs';

export const pygrub: Rule = (inputs) =>
  inputs.domains.flatMap((d) => {
    if (d.bootloader === undefined || !/(^|\/)pygrub$/.test(d.bootloader.value) || d.drbdDisks.length === 0) return [];
    return [
      {
        code: 'XD109' as const,
        severity: 'info' as const,
        where: `${d.file.path}:${d.bootloader.line}`,
        message: 'pygrub reads the DRBD disk through a dom0 attach: each fresh boot promotes, demotes and promotes it again',
        fix: "keep xen-blkfront loaded in dom0 (`modprobe xen-blkfront`) and Xen >= 4.6; or boot with kernel= or type='pvh'",
      },
    ];
  });
