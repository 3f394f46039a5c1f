// The start-up snapshot end to end on this machine: the real launcher (the built dist/block-drbd,
// run by /bin/sh), the real builder (buildSnapshot with the real runner) and this machine's node.
// Only the two fixed paths of the launcher are moved into a scratch directory: the snapshot root,
// and /usr/bin/node, which becomes a wrapper that notes each start and execs the real node. A
// second wrapper, first in PATH as `node`, notes the plain starts. So every run below shows which
// way the launcher went, and what it printed.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../src/exec/run';
import { buildSnapshot, notUsedBecause, removeSnapshot, type Places } from '../../src/startup-snapshot/build';
import { SNAPSHOT_NODE, SNAPSHOT_ROOT } from '../../src/startup-snapshot/layout';
import type { Executable } from '../../src/install/plan';
import type { SnapshotTarget } from '../../src/startup-snapshot/targets';
import { REPO_ROOT } from '../support/run-built';

const dir = mkdtempSync(join(tmpdir(), 'xen-drbd-startup-snapshot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const calls = join(dir, 'calls');
const plainBin = join(dir, 'bin-plain');
const snapshotNode = join(dir, 'bin-snapshot', 'node');
const places: Places = { root: join(dir, 'lib', 'startup-snapshot'), node: snapshotNode };
const bundle = join(dir, 'libexec', 'block-drbd');
const target: SnapshotTarget = { name: 'block-drbd', path: bundle };
const blob = join(places.root, 'block-drbd', 'blob');
const help = spawnSync(process.execPath, [join(REPO_ROOT, 'dist/block-drbd'), '--help'], { encoding: 'utf8' }).stdout;

/** A node that notes its arguments, then is the real one; `extra` runs first (a fault to inject). */
function writeNode(path: string, tag: string, extra = ''): void {
  const tmp = `${path}.new`;
  writeFileSync(tmp, `#!/bin/sh\n${extra}echo "${tag} $*" >> "${calls}"\nexec "${process.execPath}" "$@"\n`, { mode: 0o755 });
  renameSync(tmp, path); // a new inode, as dpkg gives an upgraded file
}

/** dist/NAME with the launcher's two fixed paths moved here. */
function writeBundle(name: Executable = 'block-drbd'): string {
  const path = join(dir, 'libexec', name);
  const text = readFileSync(join(REPO_ROOT, 'dist', name), 'utf8');
  const nl = text.indexOf('\n', text.indexOf('\n') + 1);
  const head = text.slice(0, nl).replace(`d=${SNAPSHOT_ROOT}/`, `d=${places.root}/`).replaceAll(SNAPSHOT_NODE, snapshotNode);
  writeFileSync(`${path}.new`, head + text.slice(nl), { mode: 0o755 });
  renameSync(`${path}.new`, path);
  return path;
}

/** The bundle run as libxl runs a hotplug script (execve: its #! picks /bin/sh): which node started, and what it said. */
function launch(): { starts: string[]; stdout: string; code: number | null } {
  writeFileSync(calls, '');
  const r = spawnSync(bundle, ['--help'], { encoding: 'utf8', env: { PATH: `${plainBin}:/usr/bin:/bin` }, timeout: 30_000 });
  return { starts: readFileSync(calls, 'utf8').split('\n').filter(Boolean), stdout: r.stdout, code: r.status };
}

const plainStart = () => [`plain-node ${bundle} --help`];
const snapshotStart = () => [`snapshot-node --snapshot-blob ${blob} ${bundle} --help`];

beforeAll(() => {
  for (const d of [plainBin, join(dir, 'bin-snapshot'), join(dir, 'lib'), join(dir, 'libexec')]) mkdirSync(d, { mode: 0o755 });
  writeNode(join(plainBin, 'node'), 'plain-node');
  writeNode(snapshotNode, 'snapshot-node');
  writeBundle();
  expect(help).toContain('block-drbd');
});

describe('the launcher chooses', () => {
  test('without a snapshot: node on the plain bundle', () => {
    expect(launch()).toEqual({ starts: plainStart(), stdout: help, code: 0 });
    expect(notUsedBecause(target, places)).toBe('there is no snapshot');
  });

  test('once built and checked: the snapshot, with the same answer', async () => {
    const r = await buildSnapshot(target, places, runCommand);
    expect(r.blobBytes).toBe(statSync(blob).size);
    expect(notUsedBecause(target, places)).toBeUndefined();
    expect(launch()).toEqual({ starts: snapshotStart(), stdout: help, code: 0 });
  });

  test.each<Executable>(['xen-drbd', 'DrbdlvmSR', 'libvirt-hook'])(
    '%s too: built, started from its snapshot, the same answer',
    async (name) => {
      const path = writeBundle(name);
      const run = () => spawnSync(path, ['--help'], { encoding: 'utf8', env: { PATH: `${plainBin}:/usr/bin:/bin` }, timeout: 30_000 });
      const plain = run();
      await buildSnapshot({ name, path }, places, runCommand);
      writeFileSync(calls, '');
      const fromSnapshot = run();
      expect(readFileSync(calls, 'utf8')).toBe(`snapshot-node --snapshot-blob ${join(places.root, name, 'blob')} ${path} --help\n`);
      expect([fromSnapshot.status, fromSnapshot.stdout, fromSnapshot.stderr]).toEqual([plain.status, plain.stdout, plain.stderr]);
      expect(plain.stdout + plain.stderr).not.toBe('');
      expect(removeSnapshot({ name, path }, places)).toBe(true);
    },
  );

  test('node upgraded under a blob it cannot read: the plain bundle, which still answers', async () => {
    truncateSync(blob, 4096);
    writeNode(snapshotNode, 'snapshot-node');
    // What the launcher avoids: node started on that blob does not answer.
    const direct = spawnSync(snapshotNode, ['--snapshot-blob', blob, bundle, '--help'], { encoding: 'utf8', timeout: 30_000 });
    expect({ code: direct.status === 0 ? 0 : 'failed', printed: direct.stdout === help }).toEqual({ code: 'failed', printed: false });
    expect(notUsedBecause(target, places)).toBe('node is not the one the snapshot was built with');
    expect(launch()).toEqual({ starts: plainStart(), stdout: help, code: 0 });

    await buildSnapshot(target, places, runCommand); // the trigger's rebuild
    expect(launch()).toEqual({ starts: snapshotStart(), stdout: help, code: 0 });
  });

  test('xen-drbd upgraded (a new bundle), or the bundle edited in place: the plain bundle', async () => {
    writeBundle();
    expect(notUsedBecause(target, places)).toBe('the bundle is not the one the snapshot was made of');
    expect(launch().starts).toEqual(plainStart());

    await buildSnapshot(target, places, runCommand);
    expect(launch().starts).toEqual(snapshotStart());
    const later = statSync(blob).mtimeMs / 1000 + 10;
    utimesSync(bundle, later, later);
    expect(notUsedBecause(target, places)).toBe('the bundle was modified after the snapshot');
    expect(launch().starts).toEqual(plainStart());
    // Even right after a build: a bundle dated after its blob never starts from it.
    await expect(buildSnapshot(target, places, runCommand)).rejects.toThrow(
      'built, but the launcher would not use it: the bundle was modified after the snapshot',
    );
    writeBundle();
  });

  test('removed: the plain bundle, and nothing left behind', async () => {
    await buildSnapshot(target, places, runCommand);
    expect(launch().starts).toEqual(snapshotStart());
    expect(removeSnapshot(target, places)).toBe(true);
    expect(readdirSync(places.root)).toEqual([]);
    expect(launch()).toEqual({ starts: plainStart(), stdout: help, code: 0 });
    expect(removeSnapshot(target, places)).toBe(false);
  });
});

describe('the build publishes nothing it has not checked', () => {
  afterEach(() => writeNode(snapshotNode, 'snapshot-node'));

  test('node fails to build: an error, and the snapshot there before is no longer used', async () => {
    await buildSnapshot(target, places, runCommand);
    writeNode(snapshotNode, 'snapshot-node', 'case "$*" in *--build-snapshot*) echo "out of memory" >&2; exit 134;; esac\n');
    await expect(buildSnapshot(target, places, runCommand)).rejects.toThrow('node could not build it: exit 134: out of memory');
    expect(launch()).toEqual({ starts: plainStart(), stdout: help, code: 0 });
  });

  test('a snapshot that answers --help otherwise than the bundle: refused, its blob removed', async () => {
    writeNode(snapshotNode, 'snapshot-node', 'case "$1 $4" in "--snapshot-blob --help") echo "something else"; exit 0;; esac\n');
    await expect(buildSnapshot(target, places, runCommand)).rejects.toThrow('the snapshot does not answer --help as the bundle does');
    expect(readdirSync(join(places.root, 'block-drbd')).filter((f) => f.startsWith('.blob'))).toEqual([]);
    expect(launch().starts).toEqual(plainStart());
  });

  test('a snapshot directory that is a symlink is not written through', async () => {
    const elsewhere = mkdtempSync(join(dir, 'elsewhere-'));
    renameSync(places.root, `${places.root}.away`);
    symlinkSync(elsewhere, places.root);
    try {
      await expect(buildSnapshot(target, places, runCommand)).rejects.toThrow(
        `${places.root} is not a directory (a symlink?); not using it`,
      );
      expect(readdirSync(elsewhere)).toEqual([]);
    } finally {
      rmSync(places.root);
      renameSync(`${places.root}.away`, places.root);
    }
  });

  test('a file that is not one of our bundles is refused', async () => {
    const other = join(mkdtempSync(join(dir, 'other-')), 'xen-drbd');
    copyFileSync('/bin/true', other);
    chmodSync(other, 0o755);
    await expect(buildSnapshot({ name: 'xen-drbd', path: other }, places, runCommand)).rejects.toThrow(`${other} is not a xen-drbd bundle`);
    expect(existsSync(join(places.root, 'xen-drbd'))).toBe(false);
  });
});
