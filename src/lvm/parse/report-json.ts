// `vgs|lvs|pvs --reportformat json --units b --nosuffix` → typed reports. Unknown fields are
// ignored (a newer lvm2 may add some); a missing or malformed field this code relies on is an error
// that names it. Recorded real output: test/unit/lvm/fixtures/lvm2-*/.
import type { LvReport, PvReport, VgReport } from '../types';

export class LvmParseError extends Error {
  override readonly name = 'LvmParseError';
}

type Row = Readonly<Record<string, unknown>>;

/** The rows of one report kind ('vg', 'lv', 'pv'), across every report section. */
function rows(text: string, kind: 'vg' | 'lv' | 'pv'): Row[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new LvmParseError(`lvm ${kind}s printed no JSON report: ${(e as Error).message}`);
  }
  const report = (doc as { report?: unknown } | null)?.report;
  if (!Array.isArray(report)) throw new LvmParseError(`lvm ${kind}s JSON has no "report" list`);
  const out: Row[] = [];
  for (const section of report as unknown[]) {
    const list = (section as Record<string, unknown> | null)?.[kind];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new LvmParseError(`lvm ${kind}s JSON: "${kind}" is not a list`);
    for (const r of list as unknown[]) {
      if (r === null || typeof r !== 'object') throw new LvmParseError(`lvm ${kind}s JSON: a row is not an object`);
      out.push(r as Row);
    }
  }
  return out;
}

function str(r: Row, field: string): string {
  const v = r[field];
  if (typeof v !== 'string') throw new LvmParseError(`lvm report: field ${field} is missing`);
  return v;
}

function num(r: Row, field: string): bigint {
  const v = str(r, field);
  if (!/^[0-9]+$/.test(v))
    throw new LvmParseError(`lvm report: field ${field} is '${v}', not a byte count (were --units b --nosuffix given?)`);
  return BigInt(v);
}

function int(r: Row, field: string): number {
  return Number(num(r, field));
}

export function parseVgs(text: string): VgReport[] {
  return rows(text, 'vg').map((r) => ({
    name: str(r, 'vg_name'),
    uuid: str(r, 'vg_uuid'),
    size: num(r, 'vg_size'),
    free: num(r, 'vg_free'),
    extentSize: num(r, 'vg_extent_size'),
    lvCount: int(r, 'lv_count'),
    pvCount: int(r, 'pv_count'),
  }));
}

export function parseLvs(text: string): LvReport[] {
  return rows(text, 'lv').map((r) => {
    const attr = str(r, 'lv_attr');
    const tags = str(r, 'lv_tags');
    return {
      name: str(r, 'lv_name'),
      uuid: str(r, 'lv_uuid'),
      size: num(r, 'lv_size'),
      attr,
      active: attr.charAt(4) === 'a',
      tags: tags === '' ? [] : tags.split(','),
    };
  });
}

export function parsePvs(text: string): PvReport[] {
  return rows(text, 'pv').map((r) => {
    const vgSize = str(r, 'vg_size');
    return {
      name: str(r, 'pv_name'),
      vgName: str(r, 'vg_name'),
      vgUuid: str(r, 'vg_uuid'),
      size: num(r, 'pv_size'),
      vgSize: /^[0-9]+$/.test(vgSize) ? BigInt(vgSize) : 0n,
    };
  });
}
