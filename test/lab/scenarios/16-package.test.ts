// The .deb each lab dom0 installs at boot (dist mode): it diverts Debian's block-drbd and builds the
// executables' start-up snapshots; removing it gives Debian's script back (and it works: a guest
// starts on it); installing it again puts ours back, and a guest starts on ours, from its snapshot.
// Then node is replaced under the snapshots, as a nodejs upgrade does, with block-drbd's blob made
// unreadable: the launcher starts the plain bundle and a guest still starts; dpkg's trigger on node
// rebuilds the snapshots.
import { useLab, stepLog } from '../lib/scenario';
import { R0, role, settledRole, waitDomainGone, waitGuestDone, xlCreate, xlError } from '../lib/drbd';
import type { Host } from '../lib/lab';

const NAME = 'package';
const lab = useLab(NAME, [R0], { leavesHostUnusable: true });
const SCRIPT = '/etc/xen/scripts/block-drbd';
const SNAPSHOTS = '/usr/lib/xen-drbd/startup-snapshot';
// No libvirt daemon in this dom0: the hook gets no snapshot (scenario 28's dom0s have one).
const NO_LIBVIRT = 'libvirt-hook: no snapshot: no libvirt daemon is installed here, so it never runs';
const ALL_FROM_SNAPSHOTS = [
  'block-drbd: starts from its snapshot',
  'xen-drbd: starts from its snapshot',
  NO_LIBVIRT,
  'block-drbd xen-drbd',
].join('\n');
/** block-drbd's debug line for an add, as xen-hotplug.log has it; `(from its start-up snapshot)` or not. */
const ADD_LINE = /block-drbd\[\d+\]: debug: add XENBUS_PATH=backend\/vbd\/\d+\/\d+( \(from its start-up snapshot\))?$/m;

async function facts(h: Host): Promise<Record<string, string>> {
  const q = async (cmd: string) => (await h.run(cmd)).stdout.trim();
  return {
    status: await q(`dpkg-query -W -f='\${Status}' xen-drbd 2>/dev/null || echo not-installed`),
    link: await q(`readlink ${SCRIPT} || echo regular-file`),
    diversion: await q(`dpkg-divert --list ${SCRIPT}`),
    script: await q(`sha256sum < ${SCRIPT} | cut -c1-16`),
    debian: await q(`sha256sum < ${SCRIPT}.debian | cut -c1-16`),
    diverted: await q(`sha256sum < ${SCRIPT}.drbd-utils 2>/dev/null | cut -c1-16 || true`),
    cli: await q('test -x /usr/sbin/xen-drbd && echo present || echo absent'),
    snapshots: await q(`xen-drbd startup-snapshot --status 2>&1; ls ${SNAPSHOTS} 2>&1 | tr '\\n' ' '`),
  };
}

/** A guest on drbd:r0 starts (r0 Primary), reads its disk and powers off (r0 Secondary). */
async function guestRuns(h: Host, name: string): Promise<void> {
  const r = await xlCreate(h, { name, disks: ['drbd:r0,xvda,w'], action: 'verify' });
  expect({ name, rc: r.code, why: r.code === 0 ? '' : xlError(r) }).toEqual({ name, rc: 0, why: '' });
  await waitGuestDone(h, name, 180_000);
  await waitDomainGone(h, name);
  expect(await settledRole(h, 'r0', /^Secondary\//)).toBe('Secondary/Secondary');
}

describe('the xen-drbd .deb in a dom0', () => {
  test("installed at boot: Debian's script diverted, ours linked in its place", async () => {
    const { A, note } = lab();
    const f = await facts(A);
    note('installed', JSON.stringify(f));
    expect(f.status).toBe('install ok installed');
    expect(f.link).toBe('/usr/libexec/xen-drbd/block-drbd');
    expect(f.diversion).toMatch(/diversion of \/etc\/xen\/scripts\/block-drbd to \/etc\/xen\/scripts\/block-drbd\.drbd-utils by xen-drbd/);
    expect(f.diverted).toBe(f.debian);
    expect(f.script).not.toBe(f.debian);
    expect(f.cli).toBe('present');
    expect(f.snapshots).toBe(ALL_FROM_SNAPSHOTS);
  });

  test("dpkg -r gives Debian's script back, and it runs a guest", async () => {
    const { A, note } = lab();
    const r = await A.run('dpkg -r xen-drbd', { timeoutMs: 120_000 });
    stepLog(NAME, `dpkg -r xen-drbd rc=${r.code}`);
    expect(r.code).toBe(0);
    const f = await facts(A);
    note('removed', JSON.stringify(f));
    expect({ status: f.status, link: f.link, diversion: f.diversion, script: f.script, cli: f.cli, snapshots: f.snapshots }).toEqual({
      status: expect.not.stringMatching(/install ok installed/),
      link: 'regular-file',
      diversion: '',
      script: f.debian,
      cli: 'absent',
      snapshots: expect.stringContaining(`ls: cannot access '${SNAPSHOTS}': No such file or directory`),
    });
    await guestRuns(A, 'on-debian');
  });

  test('dpkg -i puts ours back, and it runs a guest from its start-up snapshot', async () => {
    const { A } = lab();
    const r = await A.run('dpkg -i /lab/xen-drbd.deb', { timeoutMs: 240_000 });
    expect(r.code).toBe(0);
    const f = await facts(A);
    expect(f.link).toBe('/usr/libexec/xen-drbd/block-drbd');
    expect(f.diverted).toBe(f.debian);
    expect(f.snapshots).toBe(ALL_FROM_SNAPSHOTS);
    await A.run(': > /var/log/xen/xen-hotplug.log');
    await guestRuns(A, 'on-ours');
    const log = (await A.run('cat /var/log/xen/xen-hotplug.log')).stdout;
    // Only ours writes "block-drbd[pid]: notice: r0: promoted; /dev/drbd0 … given to …".
    expect(log).toMatch(/block-drbd\[\d+\]: notice: r0: promoted; \/dev\/drbd0/);
    expect(ADD_LINE.exec(log)?.[1]).toBe(' (from its start-up snapshot)');
    expect(await role(A, 'r0')).toBe('Secondary/Secondary');
  });

  test("node replaced under the snapshots: the plain bundles, a guest still starts; dpkg's trigger rebuilds them", async () => {
    const { A, note } = lab();
    // What a nodejs upgrade does to /usr/bin/node (a new file renamed over it), and block-drbd's
    // blob made one that node cannot start from.
    const swap = await A.run(
      `cp -p /usr/bin/node /usr/bin/node.new && mv -f /usr/bin/node.new /usr/bin/node && truncate -s 65536 ${SNAPSHOTS}/block-drbd/blob`,
    );
    expect(swap.code).toBe(0);
    const direct = await A.run(
      `node --snapshot-blob ${SNAPSHOTS}/block-drbd/blob /usr/libexec/xen-drbd/block-drbd --help > /dev/null 2>&1; echo $?`,
    );
    note('node on the truncated blob', `exit ${direct.stdout.trim()}`);
    expect(direct.stdout.trim()).not.toBe('0');
    expect((await facts(A)).snapshots).toBe(
      [
        'block-drbd: starts without a snapshot: node is not the one the snapshot was built with',
        'xen-drbd: starts without a snapshot: node is not the one the snapshot was built with',
        NO_LIBVIRT,
        'block-drbd xen-drbd',
      ].join('\n'),
    );
    await A.run(': > /var/log/xen/xen-hotplug.log');
    await guestRuns(A, 'after-node-upgrade');
    const log = (await A.run('cat /var/log/xen/xen-hotplug.log')).stdout;
    expect(log).toMatch(/block-drbd\[\d+\]: notice: r0: promoted; \/dev\/drbd0/);
    expect(ADD_LINE.exec(log)?.[1]).toBeUndefined();

    // The trigger a nodejs upgrade activates (DEBIAN/triggers), processed as dpkg does at its end.
    const t = await A.run('dpkg-trigger --no-await /usr/bin/node && dpkg --triggers-only --pending', { timeoutMs: 240_000 });
    stepLog(NAME, `trigger rc=${t.code}: ${t.stdout.trim().replace(/\n/g, ' | ')}`);
    expect(t.code).toBe(0);
    expect((await facts(A)).snapshots).toBe(ALL_FROM_SNAPSHOTS);
  });
});
