import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LvmParseError, parseLvs, parsePvs, parseVgs } from '../../../src/lvm/parse/report-json';

// Real lvm2 2.03.16 output (see fixtures/capture.sh).
const CAP = join(__dirname, 'fixtures/lvm2-2.03.16');
const out = (name: string) => readFileSync(join(CAP, `${name}.stdout`), 'utf8');
const VG = 'VG_XenStorage-3b2f4c1e-7a55-8c1d-0e7f-2a9b6c4d8e11';

describe('lvm JSON reports (real lvm2 2.03.16 captures)', () => {
  it('parses vgs', () => {
    expect(parseVgs(out('vgs-one'))).toEqual([
      {
        name: VG,
        uuid: 'bCNqHr-UeiD-xn3S-jLD8-LS5a-RLyB-GKwyBq',
        size: 197132288n,
        free: 71303168n,
        extentSize: 4194304n,
        lvCount: 3,
        pvCount: 1,
      },
    ]);
  });

  it('parses an empty vgs (a missing VG)', () => {
    expect(parseVgs(out('vgs-missing'))).toEqual([]);
  });

  it('parses lvs with tags and sizes in bytes', () => {
    const lvs = parseLvs(out('lvs-three'));
    expect(lvs.map((l) => [l.name, l.size, l.tags, l.active])).toEqual([
      ['LV-9c1d0e7f-2a9b-4c4d-8e11-3b2f4c1e7a55', 104857600n, ['hidden'], false],
      ['LV-f37ef400-7016-4af6-99bb-baa5fa06f0fc', 16777216n, [], false],
      ['MGT', 4194304n, [], false],
    ]);
    // Captured without device-mapper: the state columns read XX (unknown).
    expect(lvs[0]?.attr).toBe('-wi-XX----');
  });

  it('reads the active flag from lv_attr', () => {
    const text = JSON.stringify({
      report: [{ lv: [{ lv_name: 'a', lv_uuid: 'u', lv_size: '1', lv_attr: '-wi-a-----', lv_tags: 'x,y' }] }],
    });
    expect(parseLvs(text)[0]).toMatchObject({ active: true, tags: ['x', 'y'] });
  });

  it('parses pvs, with and without a VG', () => {
    expect(parsePvs(out('pvs-one'))).toEqual([
      { name: '/dev/loopN', vgName: VG, vgUuid: 'bCNqHr-UeiD-xn3S-jLD8-LS5a-RLyB-GKwyBq', size: 197132288n, vgSize: 197132288n },
    ]);
    expect(parsePvs(out('pvs-no-vg'))).toEqual([{ name: '/dev/loopN', vgName: '', vgUuid: '', size: 209715200n, vgSize: 0n }]);
  });

  it('ignores fields it does not know and sections of other kinds (a newer lvm2 adds a log section)', () => {
    const doc = JSON.parse(out('vgs-one'));
    doc.report[0].vg[0].xxx = 'bla';
    doc.log = [{ log_seq_num: '1' }];
    doc.report.push({ log: [] });
    expect(parseVgs(JSON.stringify(doc))).toEqual(parseVgs(out('vgs-one')));
  });

  it.each([
    ['not JSON', 'Volume group not found', /printed no JSON report/],
    ['no report', '{}', /has no "report" list/],
    [
      'sizes with units',
      JSON.stringify({
        report: [
          { vg: [{ vg_name: 'v', vg_uuid: 'u', vg_size: '1.00g', vg_free: '0', vg_extent_size: '4', lv_count: '0', pv_count: '1' }] },
        ],
      }),
      /vg_size is '1.00g', not a byte count/,
    ],
    ['a missing field', JSON.stringify({ report: [{ vg: [{ vg_name: 'v' }] }] }), /field vg_uuid is missing/],
  ])('%s is an LvmParseError', (_what, text, message) => {
    expect(() => parseVgs(text)).toThrow(LvmParseError);
    expect(() => parseVgs(text)).toThrow(message);
  });
});
