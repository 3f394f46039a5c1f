// sr_probe: which drbdlvm SR, if any, the resource's DRBD device holds. Reads only: drbdadm sh-dev
// and pvs. A device holding no VG (or a VG that is not an SR) gives an empty list.
import { DrbdError } from '../../drbd/drbd';
import { formatRef } from '../../drbd/types';
import { parseDeviceConfig } from '../device-config';
import { srError } from '../errors';
import { VG_PREFIX } from '../layout';
import type { Ports } from '../ports';
import { probeXml } from '../probe';
import type { SmRequest } from '../request';

/** `getPorts` is called only once the device-config is valid: a bad request runs nothing. */
export async function srProbe(req: SmRequest, getPorts: () => Ports): Promise<string> {
  const cfg = parseDeviceConfig(req.deviceConfig);
  const ports = getPorts();
  let devices;
  try {
    ({ devices } = await ports.drbd.resolve(cfg.resource));
  } catch (e) {
    if (e instanceof DrbdError) throw srError('DrbdResourceMissing', e.message);
    throw e;
  }
  const [device, ...more] = devices;
  if (device === undefined) throw srError('DrbdResourceMissing', `'${formatRef(cfg.resource)}' has no device on this host`);
  if (more.length > 0) {
    throw srError('ConfigDeviceInvalid', `'${cfg.resource.name}' has ${devices.length} volumes; name one with device-config:volume`);
  }
  const pv = await ports.lvm.pv(device.path);
  ports.log.log('debug', `sr_probe ${formatRef(cfg.resource)}: ${device.path} holds ${pv?.vgName || 'no volume group'}`);
  if (pv === undefined || !pv.vgName.startsWith(VG_PREFIX)) return probeXml([]);
  return probeXml([{ uuid: pv.vgName.slice(VG_PREFIX.length), device: device.path, size: pv.vgSize }]);
}
