// `drbdadm sh-dev RES[/VOL]`: one device path per volume, in volume order.
import { DrbdParseError } from './states';

export function parseShDev(stdout: string): string[] {
  const devices = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  for (const d of devices) {
    if (!/^\/\S+$/.test(d)) throw new DrbdParseError(`drbdadm sh-dev: unexpected line '${d}'`);
  }
  if (devices.length === 0) throw new DrbdParseError('drbdadm sh-dev: printed no device');
  return devices;
}
