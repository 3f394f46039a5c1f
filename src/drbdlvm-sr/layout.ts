// Where an SR and its VDIs live in LVM, in LVHD's naming (docs/smapi.md §12) so admins and tools that
// know `lvm` SRs recognise a drbdlvm SR: VG `VG_XenStorage-<sr_uuid>`, thick raw LVs `LV-<vdi_uuid>`,
// the SR metadata volume `MGT`, VDI.location = the VDI uuid.
import { srError } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const VG_PREFIX = 'VG_XenStorage-';
export const LV_PREFIX = 'LV-';
export const MGT_LV = 'MGT';
export const MGT_BYTES = 4 * 1024 * 1024;

/** LVM allocates in extents; LVHD rounds every LV to 4 MiB, and so do we. */
export const SIZE_QUANTUM = 4 * 1024 * 1024;

export type Uuid = string & { readonly __brand: 'Uuid' };

/** A uuid from xapi, checked before it becomes part of an LVM name (and so of an argv). */
export function parseUuid(text: string, what: string): Uuid {
  if (!UUID.test(text)) throw srError('BadRequest', `${what} '${text}' is not a lowercase uuid`);
  return text as Uuid;
}

export function vgName(srUuid: Uuid): string {
  return `${VG_PREFIX}${srUuid}`;
}

export function lvName(vdiUuid: Uuid): string {
  return `${LV_PREFIX}${vdiUuid}`;
}

export function lvPath(srUuid: Uuid, vdiUuid: Uuid): string {
  return `/dev/${vgName(srUuid)}/${lvName(vdiUuid)}`;
}

/** The VDI an LV holds, or undefined for LVs that are not VDIs (MGT, anything an admin added). */
export function vdiUuidOfLv(lv: string): Uuid | undefined {
  if (!lv.startsWith(LV_PREFIX)) return undefined;
  const u = lv.slice(LV_PREFIX.length);
  return UUID.test(u) ? (u as Uuid) : undefined;
}

/** A size argument from xapi ("%Lu" bytes) → bytes rounded up to the quantum. */
export function parseSize(text: string, what: string): bigint {
  if (!/^[0-9]{1,20}$/.test(text)) throw srError('VDISize', `${what} '${text}' is not a byte count`);
  const bytes = BigInt(text);
  if (bytes === 0n) throw srError('VDISize', `${what} must be more than 0 bytes`);
  const q = BigInt(SIZE_QUANTUM);
  return ((bytes + q - 1n) / q) * q;
}
