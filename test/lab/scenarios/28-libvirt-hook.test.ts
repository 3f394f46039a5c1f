// libvirt with the libxl driver drives the domains (libvirtd 9.0 in both dom0s, lib/libvirt.ts); the
// xen-drbd package's hook (/etc/libvirt/hooks/libxl.d/xen-drbd → dist/libvirt-hook) promotes and
// demotes. A domain on `<source dev='/dev/drbd0'/>` (r0, single-primary config):
// 1. The hook is in place before libvirtd starts; `xen-drbd check` flags it (XD209) once it changes
//    under a running daemon, and not after the daemon's restart.
// 2. `virsh start` on A promotes (recorded for the domain); the guest reads its disk.
// 3. `virsh start` on B while A runs it fails with the hook's refusal in virsh's own error.
// 4. `virsh migrate --live` A → B and back: the destination's `migrate` marks the domain, its
//    `prepare` promotes with runtime dual-primary; the source's `release` demotes and switches
//    two primaries off: one Primary, no allow-two-primaries after, the guest reading its disk there.
// 5. `xen-drbd status` reads libvirt through the binding (the xen-drbd-libvirt package).
// 6. `virsh destroy` demotes. 7. No UpToDate data reachable: `virsh start` refused likewise.
import { useLab, stepLog } from '../lib/scenario';
import { R0, role, waitRole, waitUpToDate, type ResourceSpec } from '../lib/drbd';
import { LOCAL_URI, domainXml, startLibvirtd, tcpUri, virsh, waitGuestWatching, waitShutOff } from '../lib/libvirt';
import type { Host } from '../lib/lab';

const NAME = 'libvirt-hook';
const HOOK = '/etc/libvirt/hooks/libxl.d/xen-drbd';
const HOOK_LOG = '/var/log/libvirt/xen-drbd-hook.log';
const DOM = 'lv';
/** Defined on both hosts (B's start must be refused by the hook, not by libvirt), so one uuid. */
const UUID = '2f6c1d7e-7c3a-4b8e-9d41-5a0e6b1c2d3e';
const CLI = 'node /lab/dist/xen-drbd';
const R: ResourceSpec = R0;

const lab = useLab(NAME, [R], { libvirt: true, collect: [HOOK_LOG, '/var/log/libvirt/libvirtd.log'] });

async function xd209(h: Host): Promise<string[]> {
  const r = await h.run(`${CLI} check --json`, { timeoutMs: 120_000, job: true });
  const { findings } = JSON.parse(r.stdout) as { findings: { code: string; severity: string; where: string }[] };
  return findings.filter((f) => f.code === 'XD209').map((f) => `${f.severity} ${f.where}`);
}

const twoPrimaries = async (h: Host): Promise<boolean> => /allow-two-primaries\s+yes/.test(await h.sh('drbdsetup show r0'));
const ledgerHolder = async (h: Host): Promise<string> =>
  (await h.run('cat /run/xen-drbd/promoted/r0.json 2>/dev/null')).stdout.match(/"backend":"([^"]*)"/)?.[1] ?? 'none';

describe('libvirt (libxl driver) with the xen-drbd hook', () => {
  test('the package put the hook in place, with its start-up snapshot; check sees a hook libvirtd started before', async () => {
    const { A, B, note } = lab();
    for (const h of [A, B]) expect((await h.sh(`readlink ${HOOK}`)).trim()).toBe('/usr/libexec/xen-drbd/libvirt-hook');
    // libvirt is installed here (libvirt.cpio), so the package built the hook's snapshot too.
    expect((await A.run('xen-drbd startup-snapshot --status')).stdout).toContain('libvirt-hook: starts from its snapshot\n');
    await Promise.all([A, B].map((h) => startLibvirtd(h)));
    // The hook changed under the running daemon: libvirt may not run it.
    await A.sh(`ln -sfn /usr/libexec/xen-drbd/libvirt-hook ${HOOK}`);
    expect(await xd209(A)).toEqual([`warning ${HOOK}`]);
    note('libvirtd restart (s)', ((await startLibvirtd(A)) / 1000).toFixed(1));
    expect(await xd209(A)).toEqual([]);
    for (const h of [A, B])
      await h.sh(`cat > /etc/libvirt/${DOM}.xml && virsh -c ${LOCAL_URI} define /etc/libvirt/${DOM}.xml`, {
        stdin: domainXml(DOM, '/dev/drbd0', UUID),
      });
  });

  test('virsh start promotes, for the domain; the guest reads its disk', async () => {
    const { A, B } = lab();
    const r = await virsh(A, `start ${DOM}`);
    stepLog(NAME, `virsh start on A: rc=${r.code} ${r.stderr.trim()}`);
    expect(r.code).toBe(0);
    expect(await role(A, 'r0')).toBe('Primary/Secondary');
    expect(await ledgerHolder(A)).toBe(`libvirt:libxl/${DOM}`);
    await waitGuestWatching(A, DOM);
    expect(await role(B, 'r0')).toBe('Secondary/Primary');
  });

  test('virsh start on the other host fails with the refusal in virsh error', async () => {
    const { A, B, note } = lab();
    const r = await virsh(B, `start ${DOM}`);
    note('refused start', r.stderr.trim().split('\n').slice(-1)[0]?.slice(0, 240) ?? '');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(
      /Hook script execution failed: .*unexpected exit status 1: xen-drbd: r0: peer hosta is Primary; refusing to start a second writer/,
    );
    expect(await role(B, 'r0')).toBe('Secondary/Primary');
    expect((await virsh(B, `domstate ${DOM}`)).stdout).toMatch(/shut off/);
    expect(await ledgerHolder(B)).toBe('none');
    expect(await role(A, 'r0')).toBe('Primary/Secondary');
  });

  for (const [fromName, toName] of [
    ['A', 'B'],
    ['B', 'A'],
  ] as const) {
    test(`virsh migrate --live ${fromName} → ${toName}: one Primary after, no allow-two-primaries left`, async () => {
      const ctx = lab();
      const from = ctx[fromName];
      const to = ctx[toName];
      const before = Number((await waitGuestWatching(from, DOM)).replace('tick ', ''));
      await to.run(`rm -f /var/log/xen/console/guest-${DOM}.log`);
      const t = Date.now();
      const m = await virsh(from, `migrate --live ${DOM} ${tcpUri(to)} --migrateuri tcp://${to.replIp}`, { timeoutMs: 240_000 });
      const s = ((Date.now() - t) / 1000).toFixed(1);
      stepLog(NAME, `virsh migrate ${fromName}→${toName}: rc=${m.code} in ${s} s ${m.stderr.trim()}`);
      ctx.note(`migrate ${fromName}→${toName} (s)`, s);
      expect(m.code).toBe(0);
      await waitGuestWatching(to, DOM, before);
      expect(await waitRole(from, 'r0', /^Secondary\//)).toBe('Secondary/Primary');
      expect(await role(to, 'r0')).toBe('Primary/Secondary');
      expect(await twoPrimaries(from)).toBe(false);
      expect(await twoPrimaries(to)).toBe(false);
      expect(await ledgerHolder(from)).toBe('none');
      expect(await ledgerHolder(to)).toBe(`libvirt:libxl/${DOM}`);
    });
  }

  test('xen-drbd status reads libvirt through the binding: the xen driver read, the absent qemu driver no gap', async () => {
    const { A, note } = lab();
    // The binding came as an admin gets it: the xen-drbd-libvirt package, installed by dpkg at boot.
    expect((await A.sh("dpkg-query -W -f='${Status} ${Architecture}' xen-drbd-libvirt")).trim()).toBe('install ok installed amd64');
    const r = await A.run(`${CLI} status --json`, { timeoutMs: 120_000, job: true });
    note('status through libvirt', r.stderr.trim() || 'no stderr');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      libvirt: { read: string[]; unread: unknown[] };
      resources: { name: string; users: { kind: string; domain?: string }[] }[];
    };
    // libvirtd here loads the libxl driver only: qemu:///system answers "no connection driver available".
    expect(out.libvirt).toEqual({ read: ['xen:///system'], unread: [] });
    // libvirt's domain is xenstore's backend: one user, named once.
    expect(out.resources.find((x) => x.name === 'r0')?.users).toEqual([expect.objectContaining({ kind: 'xen-backend', domain: DOM })]);
  });

  test('virsh destroy demotes and forgets the promotion', async () => {
    const { A } = lab();
    expect((await virsh(A, `destroy ${DOM}`)).code).toBe(0);
    await waitShutOff(A, DOM);
    expect(await waitRole(A, 'r0', /^Secondary\//)).toBe('Secondary/Secondary');
    expect(await ledgerHolder(A)).toBe('none');
  });

  test('no UpToDate data reachable: virsh start refused, nothing promoted', async () => {
    const { lab: l, A, B, note } = lab();
    await A.sh(`echo '{"promotableWaitSeconds": 0}' > /etc/xen/xen-drbd.json`);
    await B.sh('drbdadm down r0');
    await A.sh('drbdadm outdate r0');
    try {
      const r = await virsh(A, `start ${DOM}`);
      note('no-data refusal', r.stderr.trim().split('\n').slice(-1)[0]?.slice(0, 240) ?? '');
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/xen-drbd: r0: no UpToDate data reachable: local disk is Outdated/);
      expect(await role(A, 'r0')).toMatch(/^Secondary\//);
      expect(await ledgerHolder(A)).toBe('none');
    } finally {
      await A.sh('rm -f /etc/xen/xen-drbd.json');
      await B.sh('drbdadm up r0');
      await waitUpToDate(l, 'r0');
    }
  });
});
