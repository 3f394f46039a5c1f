import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installPlan } from '../../../src/install/plan';
import { installedTargets, LIBVIRT_DAEMONS, libnodeIn, notWanted, targetAt } from '../../../src/startup-snapshot/targets';

const maps = (name: string) => readFileSync(join(__dirname, '../../fixtures/node', name), 'utf8');

describe('libnodeIn', () => {
  test("Debian's nodejs 18: the libnode it maps", () => {
    expect(libnodeIn(maps('proc-self-maps-debian12-nodejs-18.20.4'))).toBe('/usr/lib/x86_64-linux-gnu/libnode.so.108');
  });

  test('an upstream node has none (V8 is in the binary)', () => {
    expect(libnodeIn(maps('proc-self-maps-upstream-node-20.20.2'))).toBeUndefined();
  });

  test('a path that only contains libnode is not it', () => {
    const line = '7f0000000000-7f0000001000 r--p 00000000 fe:00 42   /srv/libnode.so.108.bak/x.so\n';
    expect(libnodeIn(line)).toBeUndefined();
  });
});

describe('targets', () => {
  test('every executable of either package, at its installed path, once', () => {
    const planned = new Set(
      [...installPlan('debian'), ...installPlan('xcp-ng')].filter((e) => e.source.kind === 'dist').map((e) => e.path),
    );
    const targets = installedTargets();
    expect(targets.map((t) => t.name).sort()).toEqual(['DrbdlvmSR', 'block-drbd', 'libvirt-hook', 'xen-drbd']);
    for (const t of targets) expect(planned.has(t.path)).toBe(true);
  });

  test('a bundle named on the command line: absolute, and one of ours by its file name', () => {
    expect(targetAt('/lab/dist/DrbdlvmSR')).toEqual({ name: 'DrbdlvmSR', path: '/lab/dist/DrbdlvmSR' });
    expect(targetAt('dist/block-drbd')).toBe('dist/block-drbd: give an absolute path');
    expect(targetAt('/usr/bin/node')).toMatch(/^\/usr\/bin\/node: not one of xen-drbd's executables/);
  });
});

describe('notWanted', () => {
  const hook = { name: 'libvirt-hook', path: '/usr/libexec/xen-drbd/libvirt-hook' } as const;
  const blockDrbd = { name: 'block-drbd', path: '/usr/libexec/xen-drbd/block-drbd' } as const;

  test('the libvirt hook only where a libvirt daemon is installed (any of them)', () => {
    expect(notWanted(hook, () => false)).toBe('no libvirt daemon is installed here, so it never runs');
    for (const daemon of LIBVIRT_DAEMONS) expect(notWanted(hook, (p) => p === daemon)).toBeUndefined();
  });

  test('the others everywhere they are installed', () => {
    expect(notWanted(blockDrbd, () => false)).toBeUndefined();
  });
});
