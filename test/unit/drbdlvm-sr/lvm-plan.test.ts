import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLvs, parsePvs, parseVgs } from '../../../src/lvm/parse/report-json';
import type { VgReport } from '../../../src/lvm/types';
import { SrError } from '../../../src/drbdlvm-sr/errors';
import { parseUuid } from '../../../src/drbdlvm-sr/layout';
import {
  planSrCreate,
  planSrDelete,
  planSrDetach,
  planVdiActivate,
  planVdiCreate,
  planVdiDeactivate,
  planVdiDelete,
  planVdiResize,
  scanDiff,
  scanVg,
} from '../../../src/drbdlvm-sr/lvm-plan';

// Reports from real lvm2 output (test/unit/lvm/fixtures).
const CAP = join(__dirname, '../lvm/fixtures/lvm2-2.03.16');
const out = (name: string) => readFileSync(join(CAP, `${name}.stdout`), 'utf8');
const VG_REPORT = parseVgs(out('vgs-one'))[0] as VgReport;
const LVS = parseLvs(out('lvs-three'));

const SR = parseUuid('3b2f4c1e-7a55-8c1d-0e7f-2a9b6c4d8e11', 'sr');
const VG = `VG_XenStorage-${SR}`;
const EXISTING = parseUuid('f37ef400-7016-4af6-99bb-baa5fa06f0fc', 'vdi');
const NEW = parseUuid('0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', 'vdi');
const W = ['--config', 'global{metadata_read_only=0}'];

const errorOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof SrError) return e.errorName;
    throw e;
  }
  return 'none';
};

describe('sr_create', () => {
  it('makes the PV, the VG and the MGT volume on a device holding nothing', () => {
    expect(planSrCreate(SR, '/dev/drbd0', undefined)).toEqual([
      ['pvcreate', ...W, '-ff', '-y', '--metadatasize', '10M', '/dev/drbd0'],
      ['vgcreate', ...W, '--metadatasize', '10M', VG, '/dev/drbd0'],
      ['lvcreate', ...W, '-an', '-Zn', '-Wn', '-n', 'MGT', '-L', '4194304b', VG],
    ]);
    expect(planSrCreate(SR, '/dev/drbd0', parsePvs(out('pvs-no-vg'))[0])).toHaveLength(3);
  });

  it('refuses a device that already holds this SR (SRExists) or another VG (SRInUse)', () => {
    expect(errorOf(() => planSrCreate(SR, '/dev/drbd0', parsePvs(out('pvs-one'))[0]))).toBe('SRExists');
    const other = { name: '/dev/drbd0', vgName: 'vg0', vgUuid: 'x', size: 1n, vgSize: 1n };
    expect(errorOf(() => planSrCreate(SR, '/dev/drbd0', other))).toBe('SRInUse');
  });
});

describe('sr_delete / sr_detach', () => {
  it('refuses to delete an SR that still holds VDIs, and removes an empty one', () => {
    expect(errorOf(() => planSrDelete(SR, LVS))).toBe('SRNotEmpty');
    expect(
      planSrDelete(
        SR,
        LVS.filter((l) => l.name === 'MGT'),
      ),
    ).toEqual([['vgremove', ...W, '-f', VG]]);
  });

  it('deactivates the whole VG on detach', () => {
    expect(planSrDetach(SR)).toEqual([['vgchange', '-an', VG]]);
  });
});

describe('vdi_create / vdi_delete / vdi_resize', () => {
  it('creates one thick inactive LV', () => {
    expect(planVdiCreate(SR, NEW, 8388608n, VG_REPORT, LVS)).toEqual([
      ['lvcreate', ...W, '-an', '-Zn', '-Wn', '-n', `LV-${NEW}`, '-L', '8388608b', VG],
    ]);
  });

  it('refuses an existing VDI and a size beyond the free space', () => {
    expect(errorOf(() => planVdiCreate(SR, EXISTING, 4194304n, VG_REPORT, LVS))).toBe('VDIExists');
    expect(errorOf(() => planVdiCreate(SR, NEW, VG_REPORT.free + 1n, VG_REPORT, LVS))).toBe('SRNoSpace');
  });

  it('deletes an LV that exists and does nothing for one already gone', () => {
    expect(planVdiDelete(SR, EXISTING, LVS)).toEqual([['lvremove', ...W, '-f', `${VG}/LV-${EXISTING}`]]);
    expect(planVdiDelete(SR, NEW, LVS)).toEqual([]);
  });

  it('grows, never shrinks', () => {
    expect(planVdiResize(SR, EXISTING, 20971520n, VG_REPORT, LVS)).toEqual([['lvextend', ...W, '-L', '20971520b', `${VG}/LV-${EXISTING}`]]);
    expect(planVdiResize(SR, EXISTING, 16777216n, VG_REPORT, LVS)).toEqual([]);
    expect(errorOf(() => planVdiResize(SR, EXISTING, 4194304n, VG_REPORT, LVS))).toBe('VDISize');
    expect(errorOf(() => planVdiResize(SR, NEW, 4194304n, VG_REPORT, LVS))).toBe('VDIMissing');
    expect(errorOf(() => planVdiResize(SR, EXISTING, 16777216n + VG_REPORT.free + 1n, VG_REPORT, LVS))).toBe('SRNoSpace');
  });
});

describe('vdi_activate / vdi_deactivate', () => {
  it('activates and refreshes (the master may have resized it), and deactivates', () => {
    expect(planVdiActivate(SR, EXISTING)).toEqual([
      ['lvchange', '-ay', `${VG}/LV-${EXISTING}`],
      ['lvchange', '--refresh', `${VG}/LV-${EXISTING}`],
    ]);
    expect(planVdiDeactivate(SR, EXISTING)).toEqual([['lvchange', '-an', `${VG}/LV-${EXISTING}`]]);
  });
});

describe('sr_scan', () => {
  it('lists VDI volumes (not MGT, not hidden ones) and the SR sizes', () => {
    expect(scanVg(SR, VG_REPORT, LVS)).toEqual({
      vdis: [{ uuid: EXISTING, size: 16777216n }],
      physicalSize: 197132288n,
      physicalUtilisation: 197132288n - 71303168n,
      virtualAllocation: 104857600n + 16777216n + 4194304n,
    });
  });

  it('fails, rather than report an empty SR, when the VG is not there', () => {
    expect(errorOf(() => scanVg(SR, undefined, []))).toBe('VgMissing');
  });

  it('introduces what xapi lacks and forgets what LVM lacks', () => {
    expect(
      scanDiff(
        [{ uuid: 'a' }, { uuid: 'b' }],
        [
          { uuid: 'b', ref: 'OpaqueRef:b' },
          { uuid: 'c', ref: 'OpaqueRef:c' },
        ],
      ),
    ).toEqual({
      introduce: ['a'],
      forget: ['OpaqueRef:c'],
    });
  });
});
