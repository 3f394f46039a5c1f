// The built dist/block-drbd against hangs and oversized data (issue 19): a DRBD command whose
// grandchild never returns, a xenstored that stops answering, payloads over xenstore's 4 KiB.
// Whatever happens: a bounded run, a hotplug-error (or, when xenstore is the problem, the message
// in syslog and xen-hotplug.log), exit 1, and the resource in the role it had.
import { HEALTHY, HotplugHost, hungPids, processGone, type SimResource } from '../support/hotplug-host';

jest.setTimeout(60_000); // hang guards: a run is bounded by its 30 s budget

let host: HotplugHost;

afterEach(async () => {
  for (const pid of hungPids(host.statePath)) {
    try {
      process.kill(pid, 'SIGKILL'); // only when a test failed and left it
    } catch {
      // gone
    }
  }
  await host.stop();
});

async function startHost(resources: Record<string, SimResource> = { r0: HEALTHY }): Promise<void> {
  host = new HotplugHost();
  await host.start(resources);
}

/** Peer unreachable, local disk UpToDate: a failover start, where DRBD runs the fence-peer handler. */
const PEER_UNREACHABLE: SimResource = { ...HEALTHY, cs: 'WFConnection', peerRole: 'Unknown', peerDisks: ['DUnknown'] };

describe('block-drbd add when the promotion hangs in a fence-peer handler', () => {
  it('fails within its budget naming the handler, kills the hung command, and keeps r0 Secondary and recorded', async () => {
    await startHost({ r0: { ...PEER_UNREACHABLE, hangOnPrimary: true, fencePeer: '/usr/local/sbin/fence-slow' } });
    const be = host.addBackend(3, 51712, 'r0');
    const r = await host.run('add', be);
    expect(r.code).toBe(1);
    const error = host.xenstored.get(`${be}/hotplug-error`) ?? '';
    expect(error).toMatch(
      /^r0: the promotion did not finish within \d+\.\d s: DRBD is waiting for the fence-peer handler \/usr\/local\/sbin\/fence-slow \(fencing resource-only\)/,
    );
    expect(error).toMatch(/When it returns, DRBD may still complete the promotion: .*'xen-drbd reconcile --apply' demotes it/);
    expect(r.stderr).toBe(`block-drbd: ${error}\n`);
    expect(host.xenstored.get(`${be}/hotplug-status`)).toBe('error');
    expect(host.xenstored.get(`${be}/physical-device`)).toBeUndefined();
    expect(host.resource('r0').role).toBe('Secondary');
    expect(host.roleChanges()).toEqual(['drbdsetup-84 primary 0']);
    const hung = hungPids(host.statePath);
    expect(hung).toHaveLength(1);
    for (const pid of hung) expect(await processGone(pid)).toBe(true);
    // DRBD may still complete the promotion when the handler returns: the record stays.
    expect(host.ledger('r0')).toMatchObject({ resource: 'r0', backend: be, unfinished: true });

    // libxl runs remove after the failed add: r0 is still Secondary, and the record stays with it.
    expect((await host.libxlRemove(be)).code).toBe(0);
    expect(host.ledger('r0')).toMatchObject({ unfinished: true });
    expect(host.hotplugLog()).toMatch(/r0: Secondary, but the promotion started for backend\/vbd\/3\/51712 did not finish/);

    // The handler returns and DRBD completes the promotion: no domain uses r0, reconcile demotes it.
    host.setResource('r0', { role: 'Primary', hangOnPrimary: false });
    await host.drbdadm(['dump', 'r0']); // the stand-in renders /proc/drbd on its next call
    const reconcile = await host.xenDrbd(['reconcile', '--apply']);
    expect(reconcile.stdout).toMatch(/^demote r0: done$/m);
    expect(host.resource('r0').role).toBe('Secondary');
    expect(host.ledger('r0')).toBeUndefined();
  });

  it('without a fence-peer handler in the config, says what did not finish and what to check', async () => {
    await startHost({ r0: { ...HEALTHY, hangOnPrimary: true } });
    const be = host.addBackend(3, 51712, 'r0');
    expect((await host.run('add', be)).code).toBe(1);
    expect(host.xenstored.get(`${be}/hotplug-error`)).toMatch(
      /^r0: the promotion did not finish within \d+\.\d s and was stopped\. Later, DRBD may still complete the promotion: .* Check 'drbdadm status r0' and the kernel log/,
    );
    expect(host.resource('r0').role).toBe('Secondary');
  });
});
