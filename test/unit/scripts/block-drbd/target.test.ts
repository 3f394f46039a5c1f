import { parseTarget } from '../../../../src/scripts/block-drbd/target';

describe('parseTarget', () => {
  it.each([
    ['r0', { name: 'r0' }],
    ['drbd:r0', { name: 'r0' }],
    ['vm-disk_1.data+x', { name: 'vm-disk_1.data+x' }],
    ['r1/0', { name: 'r1', volume: 0 }],
    ['drbd:r1/12', { name: 'r1', volume: 12 }],
  ])('accepts %s', (params, ref) => {
    expect(parseTarget(params)).toEqual({ ok: true, ref });
  });

  it.each(['', 'drbd:', '-r0', '.r0', 'r0 r1', 'r0;reboot', '$(reboot)', 'r0/', 'r0/x', 'r0/01', 'r0/65535', 'r0/1/2', '../r0', 'a'.repeat(65)])(
    'rejects %j before any command runs',
    (params) => {
      const r = parseTarget(params);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error).toMatch(/^invalid DRBD target/);
    },
  );
});
