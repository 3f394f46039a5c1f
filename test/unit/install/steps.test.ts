// installSteps/uninstallSteps on observed roots: a fresh host, Debian's block-drbd in the way, a
// reinstall, a layout change, and the states that must stop the install.
import { installPlan, type PlanEntry } from '../../../src/install/plan';
import { describeStep, installSteps, uninstallSteps, type InstallObserved, type Manifest, type PathKind } from '../../../src/install/steps';

const plan = installPlan('debian');

function observed(kinds: Record<string, PathKind>, manifest?: Manifest): InstallObserved {
  return { kind: (p) => kinds[p] ?? 'absent', manifest };
}

const lines = (o: InstallObserved, p: readonly PlanEntry[] = plan) => {
  const d = installSteps('debian', p, o);
  if (!d.ok) throw new Error(d.error);
  return d.steps.map(describeStep);
};

test('a fresh root: every entry put, nothing kept', () => {
  const l = lines(observed({}));
  expect(l).toHaveLength(plan.length);
  expect(l.every((s) => s.startsWith('install '))).toBe(true);
});

test("Debian's block-drbd in the way is kept as .xen-drbd-orig before ours is put there", () => {
  const d = installSteps('debian', plan, observed({ '/etc/xen/scripts/block-drbd': 'file' }));
  if (!d.ok) throw new Error(d.error);
  const l = d.steps.map(describeStep);
  const keep = l.indexOf('keep /etc/xen/scripts/block-drbd as /etc/xen/scripts/block-drbd.xen-drbd-orig');
  expect(keep).toBeGreaterThanOrEqual(0);
  expect(l[keep + 1]).toBe('install /etc/xen/scripts/block-drbd -> /usr/libexec/xen-drbd/block-drbd');
  expect(d.manifest.entries).toContainEqual({ path: '/etc/xen/scripts/block-drbd', kept: '/etc/xen/scripts/block-drbd.xen-drbd-orig' });
});

test('a reinstall over our own files keeps nothing again and remembers the first original', () => {
  const first = installSteps('debian', plan, observed({ '/etc/xen/scripts/block-drbd': 'file' }));
  if (!first.ok) throw new Error(first.error);
  const everything = Object.fromEntries(plan.map((e) => [e.path, 'file' as PathKind]));
  const again = installSteps(
    'debian',
    plan,
    observed({ ...everything, '/etc/xen/scripts/block-drbd.xen-drbd-orig': 'file' }, first.manifest),
  );
  if (!again.ok) throw new Error(again.error);
  expect(again.steps.map(describeStep).filter((s) => s.startsWith('keep'))).toEqual([]);
  expect(again.manifest.entries).toEqual(first.manifest.entries);
});

test('a file in the way whose .xen-drbd-orig already exists stops the install', () => {
  const d = installSteps(
    'debian',
    plan,
    observed({ '/etc/xen/scripts/block-drbd': 'file', '/etc/xen/scripts/block-drbd.xen-drbd-orig': 'file' }),
  );
  expect(d).toEqual({ ok: false, error: expect.stringContaining('block-drbd.xen-drbd-orig already exists') });
});

test('a directory where a file goes stops the install', () => {
  expect(installSteps('debian', plan, observed({ '/usr/sbin/xen-drbd': 'directory' }))).toEqual({
    ok: false,
    error: expect.stringContaining('/usr/sbin/xen-drbd is a directory'),
  });
});

test('switching layout removes what the old one installed and the new one does not', () => {
  const old = installSteps('xcp-ng', installPlan('xcp-ng'), observed({}));
  if (!old.ok) throw new Error(old.error);
  const l = lines(observed({}, old.manifest));
  expect(l).toEqual(
    expect.arrayContaining([
      'remove /opt/xensource/sm/DrbdlvmSR',
      'remove /etc/xapi.conf.d/99-xen-drbd-drbdlvm.conf',
      'remove /usr/share/man/man8/drbdlvm.8.gz',
    ]),
  );
  expect(l.filter((s) => s.startsWith('remove'))).toHaveLength(3);
});

test('uninstall removes in reverse order and restores what was kept', () => {
  const manifest: Manifest = {
    layout: 'debian',
    entries: [
      { path: '/usr/libexec/xen-drbd/block-drbd' },
      { path: '/etc/xen/scripts/block-drbd', kept: '/etc/xen/scripts/block-drbd.xen-drbd-orig' },
    ],
    createdDirs: [],
  };
  expect(uninstallSteps(manifest).map(describeStep)).toEqual([
    'remove /etc/xen/scripts/block-drbd',
    'restore /etc/xen/scripts/block-drbd from /etc/xen/scripts/block-drbd.xen-drbd-orig',
    'remove /usr/libexec/xen-drbd/block-drbd',
  ]);
});
