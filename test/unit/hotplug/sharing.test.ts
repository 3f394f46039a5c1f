import { canonicaliseMode, findSharingConflict } from '../../../src/hotplug/sharing';
import type { BlockBackend } from '../../../src/xenstore/backends';

const mine = { device: '93:0', path: '/dev/drbd0', mode: 'w', vm: '/vm/a' };
const other = (o: Partial<BlockBackend>): BlockBackend => ({
  path: 'backend/vbd/4/768',
  physicalDevice: '93:0',
  mode: 'w',
  vm: '/vm/b',
  online: true,
  ...o,
});

describe('canonicaliseMode', () => {
  it.each([
    ['w', 'w'],
    ['rw', 'w'],
    ['r', 'r'],
    ['ro', 'r'],
    ['w!', '!'],
    ['r!', '!'],
  ])('%s → %s', (m, c) => expect(canonicaliseMode(m)).toBe(c));
});

describe('findSharingConflict', () => {
  it('allows a device nobody else uses', () => {
    expect(findSharingConflict(mine, [other({ physicalDevice: '93:1' })], [])).toBeUndefined();
  });
  it('refuses a device another guest uses', () => {
    expect(findSharingConflict(mine, [other({})], [])).toMatchObject({ kind: 'guest', backend: 'backend/vbd/4/768' });
  });
  it('allows the same VM (localhost migration)', () => {
    expect(findSharingConflict(mine, [other({ vm: '/vm/a' })], [])).toBeUndefined();
  });
  it('refuses any dom0 mount for a writable disk', () => {
    expect(findSharingConflict(mine, [], [{ device: '93:0', readWrite: false }])).toMatchObject({ kind: 'local' });
  });
  it('lets a read-only disk share with read-only users only', () => {
    const ro = { ...mine, mode: 'r' };
    expect(findSharingConflict(ro, [other({ mode: 'r' })], [{ device: '93:0', readWrite: false }])).toBeUndefined();
    expect(findSharingConflict(ro, [other({ mode: 'w' })], [])).toMatchObject({ kind: 'guest' });
    expect(findSharingConflict(ro, [], [{ device: '93:0', readWrite: true }])).toMatchObject({ kind: 'local' });
  });
  it('skips the check for ! modes', () => {
    expect(findSharingConflict({ ...mine, mode: 'w!' }, [other({})], [{ device: '93:0', readWrite: true }])).toBeUndefined();
  });
});
