// statBlockDevice on real device nodes: the major:minor Xen is given comes from the kernel's dev_t.
// Making a node takes root (mknod); without it only the refusals run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { statBlockDevice } from '../../../src/drbd/device';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'xen-drbd-device-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const asRoot = process.getuid?.() === 0 ? it : it.skip;

describe('statBlockDevice', () => {
  asRoot.each([
    ['drbd0', 147, 0, '93:0'],
    // A minor past 255 is split around the major in dev_t.
    ['drbd300', 147, 300, '93:12c'],
    // A major past 255 (block extended majors).
    ['nvme', 259, 1, '103:1'],
  ])('reads %s as %i:%i (%s)', (name, major, minor, hex) => {
    const path = join(dir, name);
    execFileSync('mknod', [path, 'b', String(major), String(minor)]);
    expect(statBlockDevice(path)).toEqual({ path, major, minor, hex });
  });

  asRoot('is undefined for a character device', () => {
    const path = join(dir, 'null');
    execFileSync('mknod', [path, 'c', '1', '3']);
    expect(statBlockDevice(path)).toBeUndefined();
  });

  it('is undefined for a plain file and for no file', () => {
    writeFileSync(join(dir, 'file'), '');
    expect(statBlockDevice(join(dir, 'file'))).toBeUndefined();
    expect(statBlockDevice(join(dir, 'missing'))).toBeUndefined();
  });
});
