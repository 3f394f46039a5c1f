// What `check` sees of the libvirt hooks under a root, and the libvirt daemons in a /proc.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { observeLibvirt } from '../../../src/check/libvirt-hooks';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'libvirt-hooks-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function plant(rel: string, text: string, mode: number): void {
  mkdirSync(join(root, rel, '..'), { recursive: true });
  writeFileSync(join(root, rel), text);
  chmodSync(join(root, rel), mode);
}

function link(rel: string, target: string): void {
  mkdirSync(join(root, rel, '..'), { recursive: true });
  symlinkSync(target, join(root, rel));
}

test('a host without /etc/libvirt has nothing to say', () => {
  expect(observeLibvirt(root, undefined)).toBeUndefined();
});

test('follows each hook link to its target under the root, not on the running host', () => {
  plant('/usr/libexec/xen-drbd/libvirt-hook', '#!/usr/bin/env node\n', 0o755);
  link('/etc/libvirt/hooks/libxl.d/xen-drbd', '/usr/libexec/xen-drbd/libvirt-hook');
  link('/etc/libvirt/hooks/qemu.d/xen-drbd', '/usr/libexec/xen-drbd/gone');
  const seen = observeLibvirt(root, undefined);
  expect(seen?.hooks).toEqual([
    {
      path: '/etc/libvirt/hooks/libxl.d/xen-drbd',
      state: 'installed',
      target: '/usr/libexec/xen-drbd/libvirt-hook',
      changedMs: expect.any(Number),
    },
    {
      path: '/etc/libvirt/hooks/qemu.d/xen-drbd',
      state: 'not-executable',
      target: '/usr/libexec/xen-drbd/gone',
      changedMs: expect.any(Number),
    },
  ]);
  expect(seen?.daemons).toEqual([]);
});

test('a hook file without the execute bit is not executable; a missing one is absent', () => {
  plant('/etc/libvirt/hooks/libxl.d/xen-drbd', '#!/bin/sh\n', 0o644);
  expect(observeLibvirt(root, undefined)?.hooks.map((h) => h.state)).toEqual(['not-executable', 'absent']);
});

test('finds the libvirt daemons in /proc and their start times (boot time + start ticks)', () => {
  const proc = join(root, 'proc');
  plant('/proc/stat', 'cpu  1 2 3\nbtime 1700000000\nprocesses 9\n', 0o644);
  const stat = (pid: number, comm: string, ticks: number) =>
    `${pid} (${comm}) S 1 ${pid} ${pid} 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 ${ticks} 1000 100 18446744073709551615\n`;
  plant('/proc/812/stat', stat(812, 'libvirtd', 2500), 0o644);
  plant('/proc/900/stat', stat(900, 'virt qemud', 10), 0o644);
  plant('/proc/901/stat', stat(901, 'virtxend', 100), 0o644);
  plant('/proc/self/stat', stat(1, 'node', 1), 0o644);
  mkdirSync(join(root, '/etc/libvirt'), { recursive: true });
  expect(observeLibvirt(root, proc)?.daemons).toEqual([
    { name: 'libvirtd', pid: 812, startedMs: 1_700_000_025_000 },
    { name: 'virtxend', pid: 901, startedMs: 1_700_000_001_000 },
  ]);
});
