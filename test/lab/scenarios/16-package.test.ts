// The .deb each lab dom0 installs at boot (dist mode): it diverts Debian's block-drbd; removing
// it gives Debian's script back (and it works: a guest starts on it); installing it again puts
// ours back, and a guest starts on ours.
import { useLab, stepLog } from '../lib/scenario';
import { R0, role, settledRole, waitDomainGone, waitGuestDone, xlCreate, xlError } from '../lib/drbd';
import type { Host } from '../lib/lab';

const NAME = 'package';
const lab = useLab(NAME, [R0], { leavesHostUnusable: true });
const SCRIPT = '/etc/xen/scripts/block-drbd';

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
  });

  test("dpkg -r gives Debian's script back, and it runs a guest", async () => {
    const { A, note } = lab();
    const r = await A.run('dpkg -r xen-drbd', { timeoutMs: 120_000 });
    stepLog(NAME, `dpkg -r xen-drbd rc=${r.code}`);
    expect(r.code).toBe(0);
    const f = await facts(A);
    note('removed', JSON.stringify(f));
    expect({ status: f.status, link: f.link, diversion: f.diversion, script: f.script, cli: f.cli }).toEqual({
      status: expect.not.stringMatching(/install ok installed/),
      link: 'regular-file',
      diversion: '',
      script: f.debian,
      cli: 'absent',
    });
    await guestRuns(A, 'on-debian');
  });

  test('dpkg -i puts ours back, and it runs a guest', async () => {
    const { A } = lab();
    const r = await A.run('dpkg -i /lab/xen-drbd.deb', { timeoutMs: 120_000 });
    expect(r.code).toBe(0);
    const f = await facts(A);
    expect(f.link).toBe('/usr/libexec/xen-drbd/block-drbd');
    expect(f.diverted).toBe(f.debian);
    await A.run(': > /var/log/xen/xen-hotplug.log');
    await guestRuns(A, 'on-ours');
    // Only ours writes "block-drbd[pid]: notice: r0: promoted; /dev/drbd0 … given to …".
    expect((await A.run('cat /var/log/xen/xen-hotplug.log')).stdout).toMatch(/block-drbd\[\d+\]: notice: r0: promoted; \/dev\/drbd0/);
    expect(await role(A, 'r0')).toBe('Secondary/Secondary');
  });
});
