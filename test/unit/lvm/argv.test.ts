import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lvmArgv } from '../../../src/lvm/argv';

const CAP = join(__dirname, 'fixtures/lvm2-2.03.16');
const VG = 'VG_XenStorage-3b2f4c1e-7a55-8c1d-0e7f-2a9b6c4d8e11';
const LV = { vg: VG, lv: 'LV-f37ef400-7016-4af6-99bb-baa5fa06f0fc' };
const W = ['--config', 'global{metadata_read_only=0}'];

describe('lvmArgv', () => {
  it('builds the report commands the fixtures were captured with', () => {
    const cmd = (name: string) => readFileSync(join(CAP, `${name}.cmd`), 'utf8').trim();
    expect(lvmArgv.vgs(VG).join(' ')).toBe(cmd('vgs-one'));
    expect(lvmArgv.lvs(VG).join(' ')).toBe(cmd('lvs-three'));
    expect(lvmArgv.pvs('/dev/loopN').join(' ')).toBe(cmd('pvs-one'));
  });

  it('builds the metadata writes with the master override', () => {
    expect(lvmArgv.pvcreate('/dev/drbd0')).toEqual(['pvcreate', ...W, '-ff', '-y', '--metadatasize', '10M', '/dev/drbd0']);
    expect(lvmArgv.vgcreate(VG, '/dev/drbd0')).toEqual(['vgcreate', ...W, '--metadatasize', '10M', VG, '/dev/drbd0']);
    expect(lvmArgv.vgremove(VG)).toEqual(['vgremove', ...W, '-f', VG]);
    expect(lvmArgv.lvcreate(LV, 12582912n)).toEqual(['lvcreate', ...W, '-an', '-Zn', '-Wn', '-n', LV.lv, '-L', '12582912b', VG]);
    expect(lvmArgv.lvcreate({ vg: VG, lv: 'MGT' }, 4194304n, ['a', 'b'])).toEqual([
      'lvcreate',
      ...W,
      '-an',
      '-Zn',
      '-Wn',
      '-n',
      'MGT',
      '-L',
      '4194304b',
      '--addtag',
      'a',
      '--addtag',
      'b',
      VG,
    ]);
    expect(lvmArgv.lvremove(LV)).toEqual(['lvremove', ...W, '-f', `${VG}/${LV.lv}`]);
    expect(lvmArgv.lvextend(LV, 16777216n)).toEqual(['lvextend', ...W, '-L', '16777216b', `${VG}/${LV.lv}`]);
  });

  it('builds activation commands without the override (they run on any host)', () => {
    expect(lvmArgv.lvActivate(LV)).toEqual(['lvchange', '-ay', `${VG}/${LV.lv}`]);
    expect(lvmArgv.lvDeactivate(LV)).toEqual(['lvchange', '-an', `${VG}/${LV.lv}`]);
    expect(lvmArgv.lvRefresh(LV)).toEqual(['lvchange', '--refresh', `${VG}/${LV.lv}`]);
    expect(lvmArgv.vgDeactivate(VG)).toEqual(['vgchange', '-an', VG]);
  });

  it('refuses a size that is not positive', () => {
    expect(() => lvmArgv.lvcreate(LV, 0n)).toThrow(RangeError);
    expect(() => lvmArgv.lvextend(LV, -1n)).toThrow(RangeError);
  });
});
