// install then uninstall on a scratch root holding Debian's block-drbd: ours goes in with the plan's
// modes, the original is kept and comes back byte for byte, and nothing of ours is left behind.
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { observeInstall, readManifest, runInstall, runUninstall } from '../../../src/install/apply';
import type { Origin } from '../../../src/install/content';
import { installPlan, type Layout } from '../../../src/install/plan';
import { installSteps, uninstallSteps } from '../../../src/install/steps';
import { writeTree } from '../../support/check-host';
import { REPO_ROOT } from '../../support/run-built';

const scratch: string[] = [];
function track(dir: string): string {
  scratch.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

function fakeOrigin(): Origin {
  const dist = track(mkdtempSync(join(tmpdir(), 'xen-drbd-dist-')));
  for (const name of ['block-drbd', 'xen-drbd', 'DrbdlvmSR', 'libvirt-hook']) writeFileSync(join(dist, name), `#!/bin/sh\necho ${name}\n`);
  return { dist, repo: REPO_ROOT, version: '9.8.7', date: '2026-01-02' };
}

/** Every path under root with its type, mode and content: what "left as it was" compares. */
function snapshot(root: string, dir = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(join(root, dir)).sort()) {
    const rel = `${dir}/${name}`;
    const st = lstatSync(join(root, rel));
    if (st.isDirectory()) Object.assign(out, { [rel]: `dir ${st.mode.toString(8)}` }, snapshot(root, rel));
    else if (st.isSymbolicLink()) out[rel] = `link ${readlinkSync(join(root, rel))}`;
    else out[rel] = `file ${st.mode.toString(8)} ${readFileSync(join(root, rel), 'base64')}`;
  }
  return out;
}

function install(root: string, layout: Layout, origin: Origin): void {
  const d = installSteps(layout, installPlan(layout), observeInstall(root));
  if (!d.ok) throw new Error(d.error);
  runInstall(root, d.steps, d.manifest, origin);
}

function uninstall(root: string): void {
  const m = readManifest(root);
  if (m === undefined) throw new Error('no manifest');
  runUninstall(root, uninstallSteps(m), m);
}

test('install, install again, uninstall: the root is back to what it was', () => {
  const root = track(
    writeTree({
      'etc/xen/scripts/block-drbd': { text: '#!/bin/bash\n# LINBIT\n', mode: 0o755 },
      'etc/xen/scripts/block': { text: '#!/bin/sh\n', mode: 0o755 },
      'usr/sbin/xl': { text: 'xl', mode: 0o755 },
    }),
  );
  const before = snapshot(root);
  const origin = fakeOrigin();

  install(root, 'debian', origin);
  expect(readlinkSync(join(root, 'etc/xen/scripts/block-drbd'))).toBe('/usr/libexec/xen-drbd/block-drbd');
  expect(readFileSync(join(root, 'etc/xen/scripts/block-drbd.xen-drbd-orig'), 'utf8')).toBe('#!/bin/bash\n# LINBIT\n');
  expect(lstatSync(join(root, 'usr/libexec/xen-drbd/block-drbd')).mode & 0o7777).toBe(0o755);
  expect(readFileSync(join(root, 'usr/sbin/xen-drbd'), 'utf8')).toBe('#!/bin/sh\necho xen-drbd\n');
  expect(lstatSync(join(root, 'lib/systemd/system/xen-drbd-reconcile.service')).mode & 0o7777).toBe(0o644);
  expect(gunzipSync(readFileSync(join(root, 'usr/share/man/man8/xen-drbd.8.gz'))).toString()).toMatch(
    /^\.TH XEN-DRBD 8 2026-01-02 "xen-drbd 9\.8\.7"/,
  );
  const installed = snapshot(root);

  install(root, 'debian', origin);
  expect(snapshot(root)).toEqual(installed);

  uninstall(root);
  expect(snapshot(root)).toEqual(before);
});

test('a layout change removes the old layout files; uninstall then leaves an empty root empty', () => {
  const root = track(mkdtempSync(join(tmpdir(), 'xen-drbd-root-')));
  const origin = fakeOrigin();
  install(root, 'xcp-ng', origin);
  expect(lstatSync(join(root, 'opt/xensource/sm/DrbdlvmSR')).mode & 0o7777).toBe(0o755);
  install(root, 'debian', origin);
  expect(() => lstatSync(join(root, 'opt/xensource/sm/DrbdlvmSR'))).toThrow(/ENOENT/);
  uninstall(root);
  expect(snapshot(root)).toEqual({});
});
