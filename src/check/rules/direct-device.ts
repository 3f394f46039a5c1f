// XD116: a DRBD device handed to blkback by another script (`phy:/dev/drbd0`, a by-res link). Xen's
// `block` script checks nothing of DRBD: on 8.4 the resource must be made Primary by hand, on
// DRBD 9 blkback's open promotes it (auto-promote) and its last close demotes it. Either way live
// migration needs allow-two-primaries on for good, and then nothing stops a second writer.
import { targetOfDevice } from '../../drbd/device-target';
import type { DirectDrbdDisk } from '../domain';
import type { CheckInputs, Rule } from '../inputs';

export const directDevice: Rule = (inputs) =>
  inputs.domains.flatMap((d) =>
    d.directDrbdDisks.map((disk) => ({
      code: 'XD116' as const,
      severity: 'warning' as const,
      where: `${d.file.path}:${disk.line}`,
      message:
        `'${disk.spec}' gives ${disk.path} to blkback without block-drbd: nothing checks the peers before the domain starts ` +
        `(DRBD 8.4 needs it Primary by hand, DRBD 9 promotes it on blkback's open), and live migration then needs ` +
        `allow-two-primaries on for good, with nothing to stop a second writer`,
      fix: `write 'drbd:${targetOf(inputs, disk) ?? 'RES'},VDEV,MODE' instead: block-drbd promotes after its checks, demotes at stop, and allows two primaries only while a migration runs`,
    })),
  );

/** The `drbd:` target the device stands for, when the device name or the config says. */
function targetOf(inputs: CheckInputs, disk: DirectDrbdDisk): string | undefined {
  return targetOfDevice(disk.path, inputs.drbd.ok ? inputs.drbd.dump : undefined, inputs.hostname);
}
