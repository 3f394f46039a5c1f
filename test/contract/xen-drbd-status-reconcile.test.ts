// `xen-drbd status` and `reconcile`, built, against a test xenstored and the DRBD stand-in.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DRBDSETUP84, HEALTHY, HotplugHost } from '../support/hotplug-host';

let host: HotplugHost;
afterEach(async () => {
  await host.stop();
});

async function hostWithDomain(): Promise<string> {
  host = new HotplugHost();
  await host.start({ r0: HEALTHY, r1: { ...HEALTHY, minors: [1] } });
  const be = host.addBackend(3, 51712, 'r0', { name: 'web1' });
  expect((await host.run('add', be)).code).toBe(0);
  return be;
}

describe('xen-drbd status', () => {
  it('shows which domain uses which resource, and exits 0 when all is safe', async () => {
    await hostWithDomain();
    const r = await host.xenDrbd(['status']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^RESOURCE\s+DEVICE\s+USED BY\s+ROLE\s+PEER\s+CONNECTION\s+DISK\/PEER\s+DUAL-PRIMARY\s+PROMOTED BY US$/);
    expect(lines[1]).toMatch(/^r0\s+\S+\/drbd0\s+web1 \(3\/51712\)\s+Primary\s+Secondary\s+Connected\s+UpToDate\/UpToDate\s+off\s+yes$/);
    expect(lines[2]).toMatch(/^r1\s+\S+\/drbd1\s+-\s+Secondary\s+Secondary\s+Connected\s+UpToDate\/UpToDate\s+off\s+no$/);
    expect(lines).toHaveLength(3);
  });

  it('exits 1 and names a resource left Primary with no domain, and a runtime dual-primary left on', async () => {
    const be = await hostWithDomain();
    host.xenstored.tree.delete(`/local/domain/0/${be}/physical-device`); // the backend vanished without remove
    host.setResource('r1', { twoPrimaries: true });
    const r = await host.xenDrbd(['status', '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.findings.map((f: { code: string; resource: string }) => `${f.resource} ${f.code}`)).toEqual([
      'r0 primary-unused',
      'r1 dual-primary-left-on',
    ]);
  });
});

describe('xen-drbd reconcile', () => {
  it('only says what it would do without --apply', async () => {
    const be = await hostWithDomain();
    host.xenstored.tree.delete(`/local/domain/0/${be}/physical-device`);
    const r = await host.xenDrbd(['reconcile']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^would demote r0: r0: Primary but no domain uses it \(promoted by block-drbd for backend\/vbd\/3\/51712 at .*\)/,
    );
    expect(r.stdout).toMatch(/dry run: run with --apply to do this\n$/);
    expect(host.resource('r0').role).toBe('Primary');
  });

  it('demotes with --apply what block-drbd promoted and nothing uses', async () => {
    const be = await hostWithDomain();
    host.xenstored.tree.delete(`/local/domain/0/${be}/physical-device`);
    const r = await host.xenDrbd(['reconcile', '--apply']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('demote r0: done\n');
    expect(host.resource('r0').role).toBe('Secondary');
    expect(host.ledger('r0')).toBeUndefined();
  });

  it('leaves a resource in use, and one Primary without a record unless asked', async () => {
    await hostWithDomain();
    host.setResource('r1', { role: 'Primary' }); // promoted by hand, e.g. for a dom0 fsck
    expect((await host.xenDrbd(['reconcile', '--apply'])).stdout).toBe('nothing to reconcile\n');
    expect(host.resource('r0').role).toBe('Primary');
    expect(host.resource('r1').role).toBe('Primary');
    expect((await host.xenDrbd(['reconcile', '--apply', '--include-unrecorded'])).stdout).toBe('demote r1: done\n');
    expect(host.resource('r1').role).toBe('Secondary');
  });

  it('reads each change back: a demotion or switch DRBD accepted but did not apply is a failure, exit 1', async () => {
    const be = await hostWithDomain();
    host.xenstored.tree.delete(`/local/domain/0/${be}/physical-device`);
    host.setResource('r0', { ignoresRoleChange: true });
    host.setResource('r1', { twoPrimaries: true, ignoresNetOptions: true });
    const r = await host.xenDrbd(['reconcile', '--apply']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      `demote r0: FAILED: asked for Secondary ('${DRBDSETUP84} secondary 0' exited 0), DRBD still reports Primary\n` +
        `switch allow-two-primaries off on r1: FAILED: asked for allow-two-primaries no ('${DRBDSETUP84} net-options ipv4:10.0.0.1:7790 ipv4:10.0.0.2:7790 --allow-two-primaries=no' exited 0), DRBD still reports yes\n`,
    );
    expect(host.resource('r0').role).toBe('Primary');
    expect(host.ledger('r0')).toMatchObject({ resource: 'r0' }); // kept: the promotion is still ours to undo
  });
});

describe('a resource whose name DRBD reads as a keyword', () => {
  // drbdadm's `secondary all` demotes every resource, the one a running domain uses included.
  it('is reported, never acted on: reconcile leaves every role as it was', async () => {
    host = new HotplugHost();
    await host.start({ all: { ...HEALTHY, minors: [1], role: 'Primary' }, r0: HEALTHY });
    const be = host.addBackend(3, 51712, 'r0', { name: 'web1' });
    expect((await host.run('add', be)).code).toBe(0);
    const rule =
      "all: not a name xen-drbd can address: 'all' means every resource to drbdadm and drbdsetup, not one resource; rename the resource";
    const reconcile = await host.xenDrbd(['reconcile', '--apply', '--include-unrecorded']);
    expect(reconcile.stdout).toBe('nothing to reconcile\n');
    expect([host.resource('all').role, host.resource('r0').role]).toEqual(['Primary', 'Primary']);
    expect(host.roleChanges()).toEqual(['drbdsetup-84 primary 0']); // block-drbd's own, for web1
    const status = await host.xenDrbd(['status']);
    expect(status.code).toBe(1);
    expect(status.stdout).toContain(`UNSAFE unreadable: ${rule}\n`);
  });
});

describe('a ledger entry block-drbd did not write', () => {
  async function unusedWithRecord(text: string): Promise<void> {
    const be = await hostWithDomain();
    host.xenstored.tree.delete(`/local/domain/0/${be}/physical-device`);
    writeFileSync(join(host.dir, 'promoted', 'r0.json'), text);
  }
  const problem = () =>
    `${join(host.dir, 'promoted', 'r0.json')} holds JSON that is not a promotion record; read as "promoted by block-drbd"`;

  it('status reports it as a finding rather than crash', async () => {
    await unusedWithRecord('null\n');
    const r = await host.xenDrbd(['status', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.stdout).findings.map((f: { code: string; message: string }) => `${f.code}: ${f.message}`);
    expect(findings).toEqual([
      'primary-unused: r0: Primary but no domain uses it (recorded as promoted by block-drbd, but the record is unreadable); the peer cannot take over until it is demoted',
      `ledger-record: r0: ${problem()}`,
    ]);
  });

  it('reconcile demotes on the safe reading ("we promoted") rather than crash', async () => {
    await unusedWithRecord('null\n');
    const r = await host.xenDrbd(['reconcile', '--apply']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('demote r0: done\n');
    expect(r.code).toBe(0);
    expect(host.resource('r0').role).toBe('Secondary');
  });
});
