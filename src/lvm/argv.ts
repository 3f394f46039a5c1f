// argv builders for lvm2: intentions → command lines. They run nothing.
//
// Reports use `--reportformat json --units b --nosuffix` (lvm2 >= 2.02.158; XCP-ng 8.3 ships
// 2.02.180, the Debian lab 2.03.x): names, tags and sizes arrive as JSON strings, so no separator
// can collide with a tag, no column can be shifted by an empty field, and sizes are exact bytes.
// The `--noheadings --separator` form would need its own quoting rules for tags (which may hold
// most punctuation) and breaks silently when a field is empty.
//
// Metadata-changing commands run on the SR master only and carry `--config
// global{metadata_read_only=0}`: XCP-ng's sm sets metadata_read_only=1 in /etc/lvm/lvm.conf and
// lifts it on the master through LVM_SYSTEM_DIR=/etc/lvm/master (docs/smapi.md §12); the override does
// the same through argv, so the one process runner needs no per-command environment. Checked here
// (lvm2 2.03.16, Debian): lvcreate/lvextend accept the override; but metadata_read_only=1 did not
// stop lvcreate/lvremove at all in that version, so the override's effect is unproven until it runs
// against XCP-ng's lvm2 2.02.180 (a lab item).
import type { Argv } from '../exec/run';

export interface LvRef {
  readonly vg: string;
  readonly lv: string;
}

const REPORT = ['--reportformat', 'json', '--units', 'b', '--nosuffix'] as const;
const WRITE = ['--config', 'global{metadata_read_only=0}'] as const;

export const VG_FIELDS = 'vg_name,vg_uuid,vg_size,vg_free,vg_extent_size,lv_count,pv_count';
export const LV_FIELDS = 'lv_name,lv_uuid,lv_size,lv_attr,lv_tags';
export const PV_FIELDS = 'pv_name,vg_name,vg_uuid,pv_size,vg_size';

const full = (r: LvRef): string => `${r.vg}/${r.lv}`;
const bytes = (n: bigint): string => {
  if (n <= 0n) throw new RangeError(`an LV size must be positive, not ${n}`);
  return `${n}b`;
};

export const lvmArgv = {
  /** One VG's sizes; exit 5 with an empty list when it does not exist. */
  vgs: (vg: string): Argv => ['vgs', ...REPORT, '-o', VG_FIELDS, vg],
  /** Every LV of one VG. */
  lvs: (vg: string): Argv => ['lvs', ...REPORT, '-o', LV_FIELDS, vg],
  /** What is on a device: its VG (empty when it is a bare PV). */
  pvs: (device: string): Argv => ['pvs', ...REPORT, '-o', PV_FIELDS, device],
  /** sr_create: the DRBD device becomes a PV (docs/smapi.md §12: 10 MiB metadata, as LVHD). */
  pvcreate: (device: string): Argv => ['pvcreate', ...WRITE, '-ff', '-y', '--metadatasize', '10M', device],
  vgcreate: (vg: string, device: string): Argv => ['vgcreate', ...WRITE, '--metadatasize', '10M', vg, device],
  vgremove: (vg: string): Argv => ['vgremove', ...WRITE, '-f', vg],
  /**
   * A thick LV, created inactive on the master: activation belongs to the host that runs the VM.
   * `-an` rules out zeroing and signature wiping (both need the LV active), so `-Zn -Wn`. New VDIs
   * are not zeroed at all, as stock LVMSR's thick LVs are not (src/drbdlvm-sr/handlers/vdi-create.ts).
   */
  lvcreate: (r: LvRef, size: bigint, tags: readonly string[] = []): Argv => [
    'lvcreate',
    ...WRITE,
    '-an',
    '-Zn',
    '-Wn',
    '-n',
    r.lv,
    '-L',
    bytes(size),
    ...tags.flatMap((t) => ['--addtag', t]),
    r.vg,
  ],
  lvremove: (r: LvRef): Argv => ['lvremove', ...WRITE, '-f', full(r)],
  /** Grow only: a VDI never shrinks (xapi refuses, and so does the planner). */
  lvextend: (r: LvRef, size: bigint): Argv => ['lvextend', ...WRITE, '-L', bytes(size), full(r)],
  /** Activation changes no metadata: it runs on any host. */
  lvActivate: (r: LvRef): Argv => ['lvchange', '-ay', full(r)],
  lvDeactivate: (r: LvRef): Argv => ['lvchange', '-an', full(r)],
  /** Reloads an active LV's table after the master changed it (a resize), on the other host. */
  lvRefresh: (r: LvRef): Argv => ['lvchange', '--refresh', full(r)],
  /** sr_detach: every LV of the SR down on this host. */
  vgDeactivate: (vg: string): Argv => ['vgchange', '-an', vg],
};
