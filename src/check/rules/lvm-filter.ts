// XD201, XD202: LVM in dom0 must not scan a DRBD backing device: it would find the guest's (or a
// DRBD-stacked) PV there, activate it beside DRBD and keep the disk busy, and writes through it
// bypass replication. /dev/drbd* should stay visible for PVs deliberately put on DRBD.
import { filterAccepts, parseLvmConf } from '../lvm-conf';
import type { Finding } from '../findings';
import type { Rule } from '../inputs';
import { backingDisks } from '../resources';

// lvm2 2.03 does not scan LVs for PVs unless devices/scan_lvs = 1.
function isLogicalVolume(path: string): boolean {
  return path.startsWith('/dev/mapper/') || /^\/dev\/(?!disk\/|md\/|drbd\/|mapper\/)[^/]+\/[^/]+$/.test(path);
}

export const lvmFilter: Rule = (inputs) => {
  const file = inputs.lvmConf;
  if (file === undefined) return [];
  const conf = parseLvmConf(file.text);
  const list = (key: string) => {
    const v = conf.get(key)?.value;
    return Array.isArray(v) ? (v as string[]) : [];
  };
  const globalFilter = list('devices/global_filter');
  const filter = list('devices/filter');
  const scanLvs = conf.get('devices/scan_lvs')?.value === 1;
  const accepted = (dev: string) => filterAccepts(globalFilter, dev) && filterAccepts(filter, dev);
  const setting = conf.get('devices/global_filter') ?? conf.get('devices/filter');
  const where = setting === undefined ? `${file.path} (devices/global_filter)` : `${file.path}:${setting.line}`;
  const exposed = backingDisks(inputs).filter((d) => (scanLvs || !isLogicalVolume(d)) && accepted(d));
  const findings: Finding[] = [];
  if (exposed.length > 0) {
    findings.push({
      code: 'XD201',
      severity: 'warning',
      where,
      message: `LVM scans DRBD backing device${exposed.length > 1 ? 's' : ''} ${exposed.join(', ')}, so it can activate a guest's volumes beside DRBD`,
      fix: `reject them in devices { global_filter = [ "a|^/dev/drbd|", ${exposed.map((d) => `"r|^${d}$|"`).join(', ')}, ... ] }, then update-initramfs -u`,
    });
  }
  if (backingDisks(inputs).length > 0 && !accepted('/dev/drbd0')) {
    findings.push({
      code: 'XD202',
      severity: 'info',
      where,
      message: 'LVM rejects /dev/drbd*: fine for domU disks, but a PV put on DRBD would not be found',
      fix: 'if you stack LVM on DRBD, accept it first: "a|^/dev/drbd|"',
    });
  }
  return findings;
};
