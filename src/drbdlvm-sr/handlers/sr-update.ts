// sr_update: refresh the SR's sizes in xapi from LVM. xapi calls it after PBD.plug on the master
// (SR.stat) and reads physical_size/physical_utilisation back (docs/smapi.md §7), so it must work and
// must not fail on a healthy SR. Reads LVM only; writes only those three xapi fields.
import { parseDeviceConfig } from '../device-config';
import { srError } from '../errors';
import { parseUuid, vgName } from '../layout';
import { scanVg } from '../lvm-plan';
import type { LvmPort, XapiPort } from '../ports';
import type { SmRequest } from '../request';

export async function srUpdate(req: SmRequest, lvm: () => LvmPort, xapi: () => XapiPort): Promise<null> {
  parseDeviceConfig(req.deviceConfig);
  const srUuid = parseUuid(req.srUuid ?? '', 'sr_uuid');
  const srRef = req.srRef;
  if (srRef === undefined) throw srError('BadRequest', 'sr_update needs sr_ref');
  const l = lvm();
  const vg = await l.vg(vgName(srUuid));
  if (vg === undefined)
    throw srError(
      'VgMissing',
      `${vgName(srUuid)} is not visible on this host; is the DRBD resource up and the LVM filter letting its device through?`,
    );
  const scan = scanVg(srUuid, vg, await l.lvs(vg.name));
  await xapi().setSrSizes(srRef, scan);
  return null;
}
