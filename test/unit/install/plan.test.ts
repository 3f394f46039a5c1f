// The install plan's invariants: what both packages and `xen-drbd install` rely on.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BLOCK_DRBD_PATH, DEB_DIVERSIONS, installPlan, XAPI_DROP_IN, type Layout } from '../../../src/install/plan';
import { REPO_ROOT } from '../../support/run-built';

const LAYOUTS: Layout[] = ['debian', 'xcp-ng'];

describe.each(LAYOUTS)('installPlan(%s)', (layout) => {
  const plan = installPlan(layout);

  test('paths are absolute and unique', () => {
    for (const e of plan) expect(e.path).toMatch(/^\/[^/]/);
    expect(new Set(plan.map((e) => e.path)).size).toBe(plan.length);
  });

  test('block-drbd is a symlink at the path libxl runs, to an executable of the plan', () => {
    const link = plan.find((e) => e.path === BLOCK_DRBD_PATH);
    expect(link?.source).toEqual({ kind: 'symlink', target: '/usr/libexec/xen-drbd/block-drbd' });
    expect(plan.find((e) => e.path === '/usr/libexec/xen-drbd/block-drbd')).toMatchObject({
      mode: 0o755,
      source: { kind: 'dist', name: 'block-drbd' },
    });
  });

  test('executables are 0755, everything else 0644', () => {
    for (const e of plan.filter((p) => p.source.kind !== 'symlink')) expect(e.mode).toBe(e.source.kind === 'dist' ? 0o755 : 0o644);
  });

  test('every file taken from the source tree exists in it', () => {
    for (const e of plan) if (e.source.kind === 'repo') expect(existsSync(join(REPO_ROOT, e.source.path))).toBe(true);
  });
});

test('only the xcp-ng layout carries the SR driver and its sm-plugins drop-in; only debian the reconcile unit', () => {
  const paths = (l: Layout) => installPlan(l).map((e) => e.path);
  expect(paths('xcp-ng')).toEqual(
    expect.arrayContaining([
      '/opt/xensource/sm/DrbdlvmSR',
      '/etc/xapi.conf.d/99-xen-drbd-drbdlvm.conf',
      '/usr/share/man/man8/drbdlvm.8.gz',
    ]),
  );
  expect(paths('debian')).not.toContain('/opt/xensource/sm/DrbdlvmSR');
  expect(paths('debian')).toContain('/lib/systemd/system/xen-drbd-reconcile.service');
  expect(paths('xcp-ng')).not.toContain('/lib/systemd/system/xen-drbd-reconcile.service');
});

test('the .deb diverts exactly the plan paths that drbd-utils owns', () => {
  expect(DEB_DIVERSIONS).toEqual([{ path: BLOCK_DRBD_PATH, divertTo: '/etc/xen/scripts/block-drbd.drbd-utils' }]);
  for (const d of DEB_DIVERSIONS) expect(installPlan('debian').map((e) => e.path)).toContain(d.path);
});

test('xapi probes every /opt/xensource/sm/*SR as a driver: the plan puts exactly one there', () => {
  const drivers = installPlan('xcp-ng').filter((e) => e.path.startsWith('/opt/xensource/sm/') && e.path.endsWith('SR'));
  expect(drivers.map((e) => e.path)).toEqual(['/opt/xensource/sm/DrbdlvmSR']);
});

describe('the sm-plugins drop-in', () => {
  // Each sm-plugins line replaces xapi's whole list (docs/smapi.md §9): ours must
  // carry stock xapi's, XCP-ng's additions and xcp-ng-linstor's, and be read after linstor's file.
  const STOCK = 'ext nfs iscsi lvmoiscsi dummy file hba rawhba udev iso lvm lvmohba lvmofcoe shm smb'.split(' ');
  const XCP_NG = 'cephfs glusterfs xfs zfs largeblock'.split(' ');
  const LINSTOR_FILE =
    'ext nfs iscsi lvmoiscsi dummy file hba rawhba udev iso lvm lvmohba lvmofcoe shm smb cephfs glusterfs xfs zfs ext4 linstor'.split(' ');
  const text = readFileSync(join(REPO_ROOT, 'packaging/xapi/99-xen-drbd-drbdlvm.conf'), 'utf8');

  test('one sm-plugins line: every plugin xapi, XCP-ng and linstor enable, plus drbdlvm, once each', () => {
    const lines = text.split('\n').filter((l) => /^\s*sm-plugins/.test(l));
    expect(lines).toHaveLength(1);
    const plugins = (lines[0] as string)
      .replace(/^sm-plugins\s*=\s*/, '')
      .trim()
      .split(/\s+/);
    expect(new Set(plugins).size).toBe(plugins.length);
    expect(plugins).toEqual(expect.arrayContaining([...STOCK, ...XCP_NG, ...LINSTOR_FILE, 'drbdlvm']));
  });

  test("sorts after xcp-ng-linstor's drop-in, so its list is the one xapi keeps", () => {
    const name = XAPI_DROP_IN.replace(/^.*\//, '');
    expect([name, '99-enable-sm-driver-linstor.conf'].sort()).toEqual(['99-enable-sm-driver-linstor.conf', name]);
  });
});
