import { whyNotUsed, type FileId, type SnapshotFiles } from '../../../src/startup-snapshot/freshness';

const id = (ino: number, mtimeMs = 1000): FileId => ({ dev: 64769, ino, mtimeMs });
// A snapshot as a build leaves it: the bundle, node and libnode linked, the blob written after them.
const built: SnapshotFiles = { blob: id(10, 5000), script: id(1), node: id(2), libnode: id(3), libnodePath: id(3) };
const live = { bundle: id(1), node: id(2) };

describe('whyNotUsed: the launcher test, read back', () => {
  test('a fresh build is used', () => {
    expect(whyNotUsed(built, live)).toBeUndefined();
  });

  test.each<[string, SnapshotFiles, { bundle?: FileId; node?: FileId }, string]>([
    ['no snapshot', {}, live, 'there is no snapshot'],
    [
      'a build stopped before the bundle was linked',
      { ...built, script: undefined },
      live,
      'the bundle is not the one the snapshot was made of',
    ],
    ['xen-drbd upgraded (a new bundle inode)', built, { ...live, bundle: id(11) }, 'the bundle is not the one the snapshot was made of'],
    ['the bundle edited in place after the build', built, { ...live, bundle: id(1, 6000) }, 'the bundle was modified after the snapshot'],
    ['nodejs upgraded (a new node inode)', built, { ...live, node: id(12) }, 'node is not the one the snapshot was built with'],
    ['node gone', built, { bundle: id(1) }, 'node is not the one the snapshot was built with'],
    ['libnode upgraded alone', { ...built, libnodePath: id(13) }, live, 'libnode is not the one the snapshot was built with'],
    [
      'the same inode number on another file system',
      built,
      { ...live, node: { ...id(2), dev: 2049 } },
      'node is not the one the snapshot was built with',
    ],
  ])('%s: not used', (_, snap, l, why) => {
    expect(whyNotUsed(snap, l)).toBe(why);
  });
});
