// The built dist/libvirt-hook run as libvirtd runs it (from hooks/libxl.d/ or qemu.d/, the domain
// XML on stdin), against the DRBD stand-in and a test xenstored. The qemu lab repeats these under a
// real libvirtd with the libxl driver (test/lab/scenarios).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HEALTHY, HotplugHost, startedHost, PEER, TWO_VOLUMES } from '../support/hotplug-host';

let host: HotplugHost;

afterEach(async () => {
  await host.stop();
});

// The XML libvirt 9.0 gave the lab's hook at `prepare` (test/fixtures/libvirt/lab-9.0.0), with its
// name and its one block disk replaced: one such disk per source, in the same shape.
const RECORDED = readFileSync(join(__dirname, '..', 'fixtures', 'libvirt', 'lab-9.0.0', 'hook-stdin.prepare-begin.drbd0.xml'), 'utf8');
const RECORDED_DISK = /^ *<disk type='block'[^]*?<\/disk>\n/m;

function domainXml(name: string, sources: string[]): string {
  const disk = RECORDED_DISK.exec(RECORDED)?.[0];
  if (disk === undefined || !RECORDED.includes('<name>lvdrbd0</name>')) throw new Error('the recorded domain XML changed shape');
  const disks = sources
    .map((dev, i) => disk.replace("'/dev/drbd0'", `'${dev}'`).replace("dev='xvda'", `dev='xvd${String.fromCharCode(97 + i)}'`))
    .join('');
  return RECORDED.replace('<name>lvdrbd0</name>', `<name>${name}</name>`).replace(RECORDED_DISK, disks);
}

const BY_RES = '/dev/drbd/by-res/r0/0';

describe('libvirt hook: start and stop', () => {
  it('promotes at prepare, records the domain, and writes nothing on stdout', async () => {
    host = await startedHost();
    const r = await host.hook('libxl', ['vm1', 'prepare', 'begin', '-'], domainXml('vm1', [BY_RES]));
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(host.resource('r0').role).toBe('Primary');
    expect(host.ledger('r0')).toMatchObject({ resource: 'r0', backend: 'libvirt:libxl/vm1', dualPrimary: false });
    expect(host.syslog()).toEqual(['-p daemon.notice -t xen-drbd-hook: r0: promoted; for libvirt domain vm1']);
  });

  it('finds the resource of /dev/drbdN in the config (drbdadm dump-xml)', async () => {
    host = await startedHost({ r0: HEALTHY, r1: { ...HEALTHY, minors: [7] } });
    expect((await host.hook('qemu', ['vm1', 'prepare', 'begin', '-'], domainXml('vm1', ['/dev/drbd7']))).code).toBe(0);
    expect(host.resource('r1').role).toBe('Primary');
    expect(host.resource('r0').role).toBe('Secondary');
    expect(host.ledger('r1')).toMatchObject({ backend: 'libvirt:qemu/vm1' });
  });

  it('demotes at release what prepare promoted, and forgets it', async () => {
    host = await startedHost();
    const xml = domainXml('vm1', [BY_RES]);
    expect((await host.hook('libxl', ['vm1', 'prepare', 'begin', '-'], xml)).code).toBe(0);
    const r = await host.hook('libxl', ['vm1', 'release', 'end', '-'], xml);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(host.resource('r0').role).toBe('Secondary');
    expect(host.ledger('r0')).toBeUndefined();
  });

  it('acts on no other call: start, started, stopped, reconnect run no DRBD command', async () => {
    host = await startedHost();
    const xml = domainXml('vm1', [BY_RES]);
    for (const [op, sub] of [
      ['start', 'begin'],
      ['started', 'begin'],
      ['stopped', 'end'],
      ['reconnect', 'begin'],
    ] as const) {
      expect(await host.hook('libxl', ['vm1', op, sub, '-'], xml)).toMatchObject({ code: 0, stdout: '', stderr: '' });
    }
    expect(host.drbdCalls()).toEqual([]);
  });

  it('leaves a domain without DRBD disks alone', async () => {
    host = await startedHost();
    const r = await host.hook('libxl', ['vm1', 'prepare', 'begin', '-'], domainXml('vm1', ['/dev/vg0/vm1-disk']));
    expect(r.code).toBe(0);
    expect(host.drbdCalls()).toEqual([]);
  });
});

describe('libvirt hook: refusals leave every role as it was', () => {
  it('refuses a second writer, in words libvirt shows the user', async () => {
    host = await startedHost({ r0: { ...HEALTHY, peerRole: 'Primary' } });
    const r = await host.hook('libxl', ['vm1', 'prepare', 'begin', '-'], domainXml('vm1', [BY_RES]));
    const error =
      `r0: peer ${PEER} is Primary; refusing to start a second writer. Stop the domain on ${PEER} first, ` +
      `or migrate it live ('xl migrate', 'virsh migrate --live').`;
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: `xen-drbd: ${error}\n` });
    expect(host.roleChanges()).toEqual([]);
    expect(host.ledger('r0')).toBeUndefined();
    expect(host.syslog()).toContain(`-p daemon.err -t xen-drbd-hook: ${error}`);
  });

  it('gives back the resources it promoted when a later disk of the domain is refused', async () => {
    host = await startedHost({ r0: HEALTHY, r1: { ...TWO_VOLUMES, peerRole: 'Primary' } });
    const r = await host.hook('libxl', ['vm1', 'prepare', 'begin', '-'], domainXml('vm1', [BY_RES, '/dev/drbd/by-res/r1/1']));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^xen-drbd: r1: peer bravo is Primary; refusing to start a second writer/);
    expect(host.resource('r0').role).toBe('Secondary');
    expect(host.roleChanges()).toEqual(['drbdsetup-84 primary 0', 'drbdsetup-84 secondary 0']);
    expect(host.ledger('r0')).toBeUndefined();
  });

  it('refuses a disk whose device names no DRBD volume of this host', async () => {
    host = await startedHost();
    const r = await host.hook('libxl', ['vm1', 'prepare', 'begin', '-'], domainXml('vm1', ['/dev/drbd42']));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^xen-drbd: vm1: disk xvda \(\/dev\/drbd42\) names no DRBD volume of this host \(.*\) in 'drbdadm dump-xml'\n$/,
    );
    expect(host.roleChanges()).toEqual([]);
  });

  it.each([
    ['XML that does not parse', '<domain><name>vm1</name>', /^xen-drbd: vm1: the domain XML does not parse: /],
    ['XML that is no domain', '<network><name>vm1</name></network>', /^xen-drbd: vm1: the XML is not a libvirt <domain>\n$/],
    ['XML of another domain', domainXml('vm2', [BY_RES]), /^xen-drbd: the domain XML names 'vm2', the call 'vm1': not acting on either\n$/],
  ])('refuses a start on %s, and a release of it changes nothing', async (_what, xml, message) => {
    host = await startedHost();
    const start = await host.hook('libxl', ['vm1', 'prepare', 'begin', '-'], xml);
    expect(start.code).toBe(1);
    expect(start.stderr).toMatch(message);
    expect(host.roleChanges()).toEqual([]);
  });

  it('refuses a call from a path that names no libvirt driver', async () => {
    host = await startedHost();
    const { runProcess, LIBVIRT_HOOK } = await import('../support/hotplug-host');
    const r = await runProcess(LIBVIRT_HOOK, ['vm1', 'prepare', 'begin', '-'], host.env(undefined), undefined, domainXml('vm1', [BY_RES]));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the path names the driver/);
    expect(host.roleChanges()).toEqual([]);
  });
});

describe('libvirt hook: live migration', () => {
  // libvirt 9.0 gives `migrate begin` no XML (test/fixtures/libvirt/lab-9.0.0/migrate-a-to-b.hostB.hook-calls.txt).
  it('on the destination: migrate marks the domain, prepare promotes with runtime dual-primary', async () => {
    host = await startedHost({ r0: { ...HEALTHY, peerRole: 'Primary' } });
    const xml = domainXml('vm1', [BY_RES]);
    expect(await host.hook('libxl', ['vm1', 'migrate', 'begin', '-'], '')).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(host.drbdCalls()).toEqual([]);
    expect(await host.hook('libxl', ['vm1', 'prepare', 'begin', '-'], xml)).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(host.resource('r0')).toMatchObject({ role: 'Primary', twoPrimaries: true });
    expect(host.ledger('r0')).toMatchObject({ backend: 'libvirt:libxl/vm1', dualPrimary: true });
    expect(host.syslog()).toContain(
      '-p daemon.notice -t xen-drbd-hook: r0: promoted (dual-primary for the migration); for libvirt domain vm1',
    );
    // A repeated prepare changes nothing more.
    const calls = host.drbdCalls().length;
    expect((await host.hook('libxl', ['vm1', 'prepare', 'begin', '-'], xml)).code).toBe(0);
    expect(
      host
        .drbdCalls()
        .slice(calls)
        .filter((c) => !/ show /.test(c)),
    ).toEqual([]);
  });

  it('without a migrate call first, the same prepare refuses: the peer holds the resource', async () => {
    host = await startedHost({ r0: { ...HEALTHY, peerRole: 'Primary' } });
    const r = await host.hook('libxl', ['vm1', 'prepare', 'begin', '-'], domainXml('vm1', [BY_RES]));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/refusing to start a second writer/);
    expect(host.resource('r0')).toMatchObject({ role: 'Secondary', twoPrimaries: false });
  });

  it("a mark is the marked domain's only", async () => {
    host = await startedHost({ r0: { ...HEALTHY, peerRole: 'Primary' } });
    expect((await host.hook('libxl', ['vm2', 'migrate', 'begin', '-'], '')).code).toBe(0);
    expect((await host.hook('libxl', ['vm1', 'prepare', 'begin', '-'], domainXml('vm1', [BY_RES]))).code).toBe(1);
    expect(host.roleChanges()).toEqual([]);
  });

  it('on the source: release demotes and switches allow-two-primaries off, the destination Primary', async () => {
    host = await startedHost();
    const xml = domainXml('vm1', [BY_RES]);
    // This host's own start.
    expect((await host.hook('libxl', ['vm1', 'prepare', 'begin', '-'], xml)).code).toBe(0);
    // The destination's prepare switched two primaries on and promoted.
    host.setResource('r0', { peerRole: 'Primary', twoPrimaries: true });
    expect(await host.hook('libxl', ['vm1', 'release', 'end', '-'], xml)).toMatchObject({ code: 0, stderr: '' });
    expect(host.resource('r0')).toMatchObject({ role: 'Secondary', twoPrimaries: false });
    expect(host.ledger('r0')).toBeUndefined();
  });

  it('refuses an incoming migration the source does not hold, the domain staying on the source', async () => {
    host = await startedHost();
    expect((await host.hook('libxl', ['vm1', 'migrate', 'begin', '-'], '')).code).toBe(0);
    const r = await host.hook('libxl', ['vm1', 'prepare', 'begin', '-'], domainXml('vm1', [BY_RES]));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot take over for an incoming migration: .* is Secondary, not Primary .*keeps running on the source/);
    expect(host.resource('r0')).toMatchObject({ role: 'Secondary', twoPrimaries: false });
  });

  it('at a failed incoming migration, release steps back: Secondary, allow-two-primaries off', async () => {
    host = await startedHost({ r0: { ...HEALTHY, peerRole: 'Primary' } });
    const xml = domainXml('vm1', [BY_RES]);
    expect((await host.hook('libxl', ['vm1', 'migrate', 'begin', '-'], '')).code).toBe(0);
    expect((await host.hook('libxl', ['vm1', 'prepare', 'begin', '-'], xml)).code).toBe(0);
    expect((await host.hook('libxl', ['vm1', 'release', 'end', '-'], xml)).code).toBe(0);
    expect(host.resource('r0')).toMatchObject({ role: 'Secondary', peerRole: 'Primary', twoPrimaries: false });
  });
});

describe('libvirt hook: release gives back only what this domain took', () => {
  it('leaves a resource another domain promoted', async () => {
    host = await startedHost();
    expect((await host.hook('libxl', ['vm1', 'prepare', 'begin', '-'], domainXml('vm1', [BY_RES]))).code).toBe(0);
    expect((await host.hook('libxl', ['vm2', 'release', 'end', '-'], domainXml('vm2', [BY_RES]))).code).toBe(0);
    expect(host.resource('r0').role).toBe('Primary');
    expect(host.hookLog()).toMatch(/r0: promoted for libvirt:libxl\/vm1, not libvirt:libxl\/vm2; left in the role it has/);
  });

  it('leaves a resource Primary that was Primary before (no record)', async () => {
    host = await startedHost({ r0: { ...HEALTHY, role: 'Primary' } });
    expect((await host.hook('libxl', ['vm1', 'release', 'end', '-'], domainXml('vm1', [BY_RES]))).code).toBe(0);
    expect(host.resource('r0').role).toBe('Primary');
    expect(host.roleChanges()).toEqual([]);
  });

  it('on Xen, leaves it Primary while another domain has a backend on it', async () => {
    host = await startedHost();
    const xml = domainXml('vm1', [BY_RES]);
    expect((await host.hook('libxl', ['vm1', 'prepare', 'begin', '-'], xml)).code).toBe(0);
    const be = host.addBackend(5, 51712, 'r0');
    host.xenstored.set(`${be}/physical-device`, '93:0');
    expect((await host.hook('libxl', ['vm1', 'release', 'end', '-'], xml)).code).toBe(0);
    expect(host.resource('r0').role).toBe('Primary');
    expect(host.hookLog()).toMatch(/r0: still used by backend\/vbd\/5\/51712; left Primary/);
  });

  it('on a bad XML at release, changes nothing (libvirt logs the failure and goes on)', async () => {
    host = await startedHost({ r0: { ...HEALTHY, role: 'Primary' } });
    const r = await host.hook('libxl', ['vm1', 'release', 'end', '-'], '<domain><name>vm1</name>');
    expect(r.code).toBe(1);
    expect(host.roleChanges()).toEqual([]);
  });
});
