import { SrError } from '../../../src/drbdlvm-sr/errors';
import { lvName, lvPath, parseSize, parseUuid, vdiUuidOfLv, vgName } from '../../../src/drbdlvm-sr/layout';

const SR = parseUuid('3b2f4c1e-7a55-8c1d-0e7f-2a9b6c4d8e11', 'sr_uuid');
const VDI = parseUuid('f37ef400-7016-4af6-99bb-baa5fa06f0fc', 'vdi_uuid');

describe('LVHD naming', () => {
  it('names the VG, the LV and its path', () => {
    expect(vgName(SR)).toBe('VG_XenStorage-3b2f4c1e-7a55-8c1d-0e7f-2a9b6c4d8e11');
    expect(lvName(VDI)).toBe('LV-f37ef400-7016-4af6-99bb-baa5fa06f0fc');
    expect(lvPath(SR, VDI)).toBe('/dev/VG_XenStorage-3b2f4c1e-7a55-8c1d-0e7f-2a9b6c4d8e11/LV-f37ef400-7016-4af6-99bb-baa5fa06f0fc');
  });

  it('reads a VDI uuid back from an LV name, and nothing from other LVs', () => {
    expect(vdiUuidOfLv('LV-f37ef400-7016-4af6-99bb-baa5fa06f0fc')).toBe(VDI);
    expect(vdiUuidOfLv('MGT')).toBeUndefined();
    expect(vdiUuidOfLv('VHD-f37ef400-7016-4af6-99bb-baa5fa06f0fc')).toBeUndefined();
    expect(vdiUuidOfLv('LV-not-a-uuid')).toBeUndefined();
  });

  it.each(['', 'F37EF400-7016-4AF6-99BB-BAA5FA06F0FC', '../etc', 'f37ef400-7016-4af6-99bb-baa5fa06f0fc -x'])(
    'refuses uuid %j before it reaches an argv',
    (u) => {
      expect(() => parseUuid(u, 'vdi_uuid')).toThrow(SrError);
    },
  );

  it('rounds sizes up to 4 MiB and refuses what is not a byte count', () => {
    expect(parseSize('10737418240', 'size')).toBe(10737418240n);
    expect(parseSize('1', 'size')).toBe(4194304n);
    expect(parseSize('4194305', 'size')).toBe(8388608n);
    expect(parseSize('18446744073709551615', 'size') % 4194304n).toBe(0n);
    for (const bad of ['0', '-1', '1e9', '', '12 ']) expect(() => parseSize(bad, 'size')).toThrow(/VDI size is invalid/);
  });
});
