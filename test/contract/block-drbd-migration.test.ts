// xl migrate's two sides, as libxl runs the script on each: the destination's add on a domain
// named NAME--incoming while the source is still Primary, the source's remove on NAME--migratedaway.
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DRBDSETUP84, HEALTHY, HotplugHost } from '../support/hotplug-host';

let host: HotplugHost;
afterEach(async () => {
  await host.stop();
});

async function destination(): Promise<string> {
  host = new HotplugHost();
  await host.start({ r0: { ...HEALTHY, peerRole: 'Primary' } });
  return host.addBackend(7, 51712, 'r0', { name: 'vm1--incoming' });
}

describe('incoming migration (destination)', () => {
  it('switches dual-primary on for this migration only, promotes, and records it', async () => {
    const be = await destination();
    expect((await host.run('add', be)).code).toBe(0);
    expect(host.drbdCalls()).toEqual([
      'drbdsetup-84 show r0',
      'drbdsetup-84 net-options ipv4:10.0.0.1:7789 ipv4:10.0.0.2:7789 --allow-two-primaries=yes',
      'drbdsetup-84 show r0', // the switch read back before anything relies on it
      'drbdsetup-84 primary 0',
    ]);
    expect(host.resource('r0')).toMatchObject({ role: 'Primary', twoPrimaries: true });
    expect(host.ledger('r0')).toMatchObject({ dualPrimary: true });
  });

  it('refuses when the link is not Connected, changing nothing', async () => {
    const be = await destination();
    host.setResource('r0', { cs: 'WFConnection', peerRole: 'Unknown', peerDisks: ['DUnknown'] });
    expect((await host.run('add', be)).code).toBe(1);
    expect(host.xenstored.get(`${be}/hotplug-error`)).toMatch(
      /cannot take over for an incoming migration: connection is WFConnection, not Connected.*keeps running on the source/,
    );
    expect(host.resource('r0')).toMatchObject({ role: 'Secondary', twoPrimaries: false });
    expect(host.drbdCalls().filter((c) => c.includes('net-options') || c.includes('primary'))).toEqual([]);
  });

  it('after a failure past the point of no return, remove demotes and ends dual-primary', async () => {
    const be = await destination();
    expect((await host.run('add', be)).code).toBe(0);
    expect((await host.libxlRemove(be)).code).toBe(0);
    expect(host.resource('r0')).toMatchObject({ role: 'Secondary', twoPrimaries: false });
    expect(host.ledger('r0')).toBeUndefined();
  });

  it('reads allow-two-primaries back: a switch DRBD accepted but did not apply stops before the promotion', async () => {
    const be = await destination();
    host.setResource('r0', { ignoresNetOptions: true });
    expect((await host.run('add', be)).code).toBe(1);
    expect(host.xenstored.get(`${be}/hotplug-error`)).toBe(
      `r0: cannot allow two primaries for the incoming migration: asked for allow-two-primaries yes ('${DRBDSETUP84} net-options ipv4:10.0.0.1:7789 ipv4:10.0.0.2:7789 --allow-two-primaries=yes' exited 0), DRBD still reports no`,
    );
    expect(host.roleChanges()).toEqual([]);
    expect(host.resource('r0')).toMatchObject({ role: 'Secondary', twoPrimaries: false });
    expect(host.ledger('r0')).toBeUndefined();
  });

  it('honours migrationMode "refuse" from the policy file', async () => {
    const be = await destination();
    writeFileSync(host.policyPath, '{"migrationMode": "refuse"}');
    expect((await host.run('add', be)).code).toBe(1);
    expect(host.xenstored.get(`${be}/hotplug-error`)).toMatch(/live migration of DRBD-backed domains is disabled/);
    expect(host.resource('r0').role).toBe('Secondary');
  });
});

describe('outgoing migration (source)', () => {
  it('demotes after the guest left and switches dual-primary off again', async () => {
    host = new HotplugHost();
    await host.start({ r0: HEALTHY });
    const be = host.addBackend(3, 51712, 'r0', { name: 'vm1' });
    expect((await host.run('add', be)).code).toBe(0);
    // the destination promoted with dual-primary, which DRBD hands to this side too
    host.setResource('r0', { peerRole: 'Primary', twoPrimaries: true });
    host.xenstored.set('/local/domain/3/name', 'vm1--migratedaway');
    expect((await host.libxlRemove(be)).code).toBe(0);
    expect(host.resource('r0')).toMatchObject({ role: 'Secondary', twoPrimaries: false });
    expect(host.drbdCalls().slice(-3)).toEqual([
      'drbdsetup-84 secondary 0',
      'drbdsetup-84 net-options ipv4:10.0.0.1:7789 ipv4:10.0.0.2:7789 --allow-two-primaries=no',
      'drbdsetup-84 show r0',
    ]);
  });

  it('says so at error level when DRBD accepts the switch back to single-primary but keeps two', async () => {
    host = new HotplugHost();
    await host.start({ r0: HEALTHY });
    const be = host.addBackend(3, 51712, 'r0', { name: 'vm1' });
    expect((await host.run('add', be)).code).toBe(0);
    host.setResource('r0', { peerRole: 'Primary', twoPrimaries: true, ignoresNetOptions: true });
    host.xenstored.set('/local/domain/3/name', 'vm1--migratedaway');
    expect((await host.libxlRemove(be)).code).toBe(0); // the demotion itself was read back as done
    expect(host.resource('r0')).toMatchObject({ role: 'Secondary', twoPrimaries: true });
    expect(host.syslog()).toContain(
      `-p daemon.err -t block-drbd: r0: could not switch allow-two-primaries off: asked for allow-two-primaries no ('${DRBDSETUP84} net-options ipv4:10.0.0.1:7789 ipv4:10.0.0.2:7789 --allow-two-primaries=no' exited 0), DRBD still reports yes`,
    );
  });

  it('does the same through drbdadm where no drbdsetup-84 is installed', async () => {
    host = new HotplugHost({ drbdsetup84: false });
    await host.start({ r0: { ...HEALTHY, peerRole: 'Primary' } });
    const be = host.addBackend(7, 51712, 'r0', { name: 'vm1--incoming' });
    expect((await host.run('add', be)).code).toBe(0);
    expect(host.drbdCalls()).toEqual(['drbdadm sh-dev r0', 'drbdadm net-options --allow-two-primaries=yes r0', 'drbdadm primary r0']);
    host.xenstored.set('/local/domain/7/name', 'vm1--migratedaway');
    host.setResource('r0', { peerRole: 'Secondary' });
    expect((await host.libxlRemove(be)).code).toBe(0);
    expect(host.resource('r0')).toMatchObject({ role: 'Secondary', twoPrimaries: false });
    expect(host.drbdCalls().slice(-2)).toEqual(['drbdadm secondary r0', 'drbdadm net-options --allow-two-primaries=no r0']);
  });
});

describe('policy file', () => {
  it('refuses an add on a bad file, naming file and field, and promotes nothing', async () => {
    host = new HotplugHost();
    await host.start({ r0: HEALTHY });
    writeFileSync(host.policyPath, '{"budgetSeconds": 90}');
    const be = host.addBackend(3, 51712, 'r0');
    expect((await host.run('add', be)).code).toBe(1);
    expect(host.xenstored.get(`${be}/hotplug-error`)).toBe(`${host.policyPath}: budgetSeconds must be <= 38; fix or remove it`);
    expect(host.resource('r0').role).toBe('Secondary');
  });

  it('still demotes on remove with a bad file, and says so', async () => {
    host = new HotplugHost();
    await host.start({ r0: HEALTHY });
    const be = host.addBackend(3, 51712, 'r0');
    expect((await host.run('add', be)).code).toBe(0);
    writeFileSync(host.policyPath, 'not json');
    expect((await host.libxlRemove(be)).code).toBe(0);
    expect(host.resource('r0').role).toBe('Secondary');
    expect(host.syslog()).toContainEqual(
      expect.stringMatching(/daemon\.err .*xen-drbd\.json: not valid JSON.*this remove runs on the defaults/),
    );
  });

  // A `refuse` policy behind a link whose target went missing must not quietly become the defaults.
  it('refuses an add when the policy is a link to nothing, naming the file and the link; remove still demotes', async () => {
    host = new HotplugHost();
    await host.start({ r0: HEALTHY });
    const be = host.addBackend(3, 51712, 'r0');
    expect((await host.run('add', be)).code).toBe(0);
    const missing = join(host.dir, 'policies', 'refuse.json');
    symlinkSync(missing, host.policyPath);
    const other = host.addBackend(4, 51712, 'r0', { name: 'vm4' });
    expect((await host.run('add', other)).code).toBe(1);
    expect(host.xenstored.get(`${other}/hotplug-error`)).toBe(
      `${host.policyPath}: a symbolic link to ${missing}, which does not exist; fix or remove it`,
    );
    expect((await host.libxlRemove(be)).code).toBe(0);
    expect(host.resource('r0').role).toBe('Secondary');
    expect(host.syslog()).toContainEqual(
      expect.stringMatching(/daemon\.err .*xen-drbd\.json: a symbolic link to .*which does not exist; this remove runs on the defaults/),
    );
  });
});
