// Which lvm2 commands each SM command runs, decided from what LVM reports. Pure: the handlers feed
// it reports and run the argv it returns, in order. Refusals are SrErrors.
import type { Argv } from '../exec/run';
import { lvmArgv } from '../lvm/argv';
import type { LvReport, PvReport, VgReport } from '../lvm/types';
import { srError } from './errors';
import { MGT_BYTES, MGT_LV, lvName, vdiUuidOfLv, vgName, type Uuid } from './layout';

/** sr_create on the master: the DRBD device becomes the SR's PV and VG, with an empty MGT volume. */
export function planSrCreate(srUuid: Uuid, device: string, pv: PvReport | undefined): Argv[] {
  const vg = vgName(srUuid);
  if (pv !== undefined && pv.vgName === vg) throw srError('SRExists', `${device} already holds ${vg}`);
  if (pv !== undefined && pv.vgName !== '') {
    throw srError(
      'SRInUse',
      `${device} already holds volume group ${pv.vgName}; remove it first ('vgremove ${pv.vgName}') if it is no longer used`,
    );
  }
  return [lvmArgv.pvcreate(device), lvmArgv.vgcreate(vg, device), lvmArgv.lvcreate({ vg, lv: MGT_LV }, BigInt(MGT_BYTES))];
}

/** sr_delete: only an SR without VDIs goes; the MGT volume goes with the VG. */
export function planSrDelete(srUuid: Uuid, lvs: readonly LvReport[]): Argv[] {
  const vdis = lvs.filter((l) => vdiUuidOfLv(l.name) !== undefined);
  if (vdis.length > 0) throw srError('SRNotEmpty', `${vdis.length} VDI volume(s) remain: ${vdis.map((l) => l.name).join(', ')}`);
  return [lvmArgv.vgremove(vgName(srUuid))];
}

/** vdi_create on the master: one thick LV, created inactive. */
export function planVdiCreate(srUuid: Uuid, vdiUuid: Uuid, size: bigint, vg: VgReport, lvs: readonly LvReport[]): Argv[] {
  const lv = lvName(vdiUuid);
  if (lvs.some((l) => l.name === lv)) throw srError('VDIExists', `${vg.name}/${lv} already exists`);
  if (size > vg.free) throw srError('SRNoSpace', `${size} bytes asked, ${vg.free} free in ${vg.name}`);
  return [lvmArgv.lvcreate({ vg: vgName(srUuid), lv }, size)];
}

/** vdi_delete on the master; an LV already gone is success (xapi retries after a crash). */
export function planVdiDelete(srUuid: Uuid, vdiUuid: Uuid, lvs: readonly LvReport[]): Argv[] {
  const lv = lvName(vdiUuid);
  return lvs.some((l) => l.name === lv) ? [lvmArgv.lvremove({ vg: vgName(srUuid), lv })] : [];
}

/** vdi_resize on the master: grow only. The host running the VM refreshes before its next use. */
export function planVdiResize(srUuid: Uuid, vdiUuid: Uuid, size: bigint, vg: VgReport, lvs: readonly LvReport[]): Argv[] {
  const name = lvName(vdiUuid);
  const lv = lvs.find((l) => l.name === name);
  if (lv === undefined) throw srError('VDIMissing', `${vg.name}/${name} does not exist`);
  if (size < lv.size) throw srError('VDISize', `shrinking ${name} from ${lv.size} to ${size} bytes would lose data`);
  if (size === lv.size) return [];
  if (size - lv.size > vg.free) throw srError('SRNoSpace', `${size - lv.size} more bytes asked, ${vg.free} free in ${vg.name}`);
  return [lvmArgv.lvextend({ vg: vgName(srUuid), lv: name }, size)];
}

/** vdi_activate on the VM's host: activate, then reload the table in case the master resized it. */
export function planVdiActivate(srUuid: Uuid, vdiUuid: Uuid): Argv[] {
  const r = { vg: vgName(srUuid), lv: lvName(vdiUuid) };
  return [lvmArgv.lvActivate(r), lvmArgv.lvRefresh(r)];
}

export function planVdiDeactivate(srUuid: Uuid, vdiUuid: Uuid): Argv[] {
  return [lvmArgv.lvDeactivate({ vg: vgName(srUuid), lv: lvName(vdiUuid) })];
}

/** sr_detach: xapi unplugs only when no VDI is active through the PBD, so every LV may go down. */
export function planSrDetach(srUuid: Uuid): Argv[] {
  return [lvmArgv.vgDeactivate(vgName(srUuid))];
}

export interface ScanResult {
  readonly vdis: readonly { readonly uuid: Uuid; readonly size: bigint }[];
  readonly physicalSize: bigint;
  readonly physicalUtilisation: bigint;
  readonly virtualAllocation: bigint;
}

/**
 * sr_scan: the VDIs LVM holds and the SR's sizes. A VG that is not there is a failure, never an
 * empty SR: xapi would forget every VDI (docs/smapi.md §14).
 */
export function scanVg(srUuid: Uuid, vg: VgReport | undefined, lvs: readonly LvReport[]): ScanResult {
  if (vg === undefined) {
    throw srError('VgMissing', `${vgName(srUuid)} is not visible on this host; refusing to scan (an empty scan would forget every VDI)`);
  }
  const vdis = lvs.flatMap((l) => {
    const uuid = vdiUuidOfLv(l.name);
    return uuid === undefined || l.tags.includes('hidden') ? [] : [{ uuid, size: l.size }];
  });
  const allocated = lvs.reduce((sum, l) => sum + l.size, 0n);
  return {
    vdis,
    physicalSize: vg.size,
    physicalUtilisation: vg.size - vg.free,
    virtualAllocation: allocated,
  };
}

/** What sr_scan changes in xapi: VDIs LVM has and xapi lacks, and the reverse. */
export function scanDiff(found: readonly { uuid: string }[], known: readonly { uuid: string; ref: string }[]) {
  const have = new Set(found.map((f) => f.uuid));
  const knownUuids = new Set(known.map((k) => k.uuid));
  return {
    introduce: found.filter((f) => !knownUuids.has(f.uuid)).map((f) => f.uuid),
    forget: known.filter((k) => !have.has(k.uuid)).map((k) => k.ref),
  };
}
