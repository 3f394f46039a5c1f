// The built dist/block-drbd against hangs and oversized data (issue 19): a DRBD command whose
// grandchild never returns, a xenstored that stops answering, payloads over xenstore's 4 KiB.
// Whatever happens: a bounded run, a hotplug-error (or, when xenstore is the problem, the message
// in syslog and xen-hotplug.log), exit 1, and the resource in the role it had.
import { HEALTHY, HotplugHost, startedHost, hungPids, processGone, type SimResource } from '../support/hotplug-host';

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

/** Peer unreachable, local disk UpToDate: a failover start, where DRBD runs the fence-peer handler. */
const PEER_UNREACHABLE: SimResource = { ...HEALTHY, cs: 'WFConnection', peerRole: 'Unknown', peerDisks: ['DUnknown'] };

describe('block-drbd add when the promotion hangs in a fence-peer handler', () => {
  it('fails within its budget naming the handler, kills the hung command, and keeps r0 Secondary and recorded', async () => {
    host = await startedHost({ r0: { ...PEER_UNREACHABLE, hangOnPrimary: true, fencePeer: '/usr/local/sbin/fence-slow' } });
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
    host = await startedHost({ r0: { ...HEALTHY, hangOnPrimary: true } });
    const be = host.addBackend(3, 51712, 'r0');
    expect((await host.run('add', be)).code).toBe(1);
    expect(host.xenstored.get(`${be}/hotplug-error`)).toMatch(
      /^r0: the promotion did not finish within \d+\.\d s and was stopped\. Later, DRBD may still complete the promotion: .* Check 'drbdadm status r0' and the kernel log/,
    );
    expect(host.resource('r0').role).toBe('Secondary');
  });
});

describe('block-drbd against a xenstored that stops answering', () => {
  it('ends before its budget when xenstored accepts the connection and never answers, changing nothing', async () => {
    host = await startedHost();
    const be = host.addBackend(3, 51712, 'r0');
    host.xenstored.stallFrom(() => true);
    const r = await host.run('add', be);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^block-drbd: add: xenstored did not answer 'read backend\/vbd\/3\/51712\/physical-device' within \d+\.\d s\n$/,
    );
    expect(host.roleChanges()).toEqual([]);
    expect(host.resource('r0').role).toBe('Secondary');
    expect(host.hotplugLog()).toMatch(/err: add: xenstored did not answer/);
    expect(host.hotplugLog()).toMatch(/err: could not write hotplug-error to backend\/vbd\/3\/51712: /);
    expect(host.syslog()).toContainEqual(expect.stringMatching(/^-p daemon\.err -t block-drbd: add: xenstored did not answer/));
  });

  it('steps back to Secondary when xenstored stalls after the promotion', async () => {
    host = await startedHost();
    const be = host.addBackend(3, 51712, 'r0');
    host.xenstored.stallFrom((type, path) => type === 11 /* WRITE */ && path.endsWith('/physical-device'));
    const r = await host.run('add', be);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^block-drbd: r0: xenstored did not answer 'write backend\/vbd\/3\/51712\/physical-device' within \d+\.\d s; r0 was demoted again\n$/,
    );
    expect(host.roleChanges()).toEqual(['drbdsetup-84 primary 0', 'drbdsetup-84 secondary 0']);
    expect(host.resource('r0').role).toBe('Secondary');
    expect(host.ledger('r0')).toBeUndefined();
    expect(host.hotplugLog()).toMatch(/err: r0: xenstored did not answer .*; r0 was demoted again/);
    expect(host.syslog()).toContainEqual(expect.stringMatching(/^-p daemon\.err -t block-drbd: r0: xenstored did not answer/));
  });
});

describe('block-drbd with more than xenstore can carry (XENSTORE_PAYLOAD_MAX, 4096 bytes)', () => {
  it('cuts a 6 KiB DRBD error to fit hotplug-error, still writes hotplug-status, and logs the whole text', async () => {
    const said = `${'drbd says: '.repeat(560)}END`; // 6 KiB
    host = await startedHost({ r0: { ...HEALTHY, primaryError: `0: State change failed: ${said}\n` } });
    const be = host.addBackend(3, 51712, 'r0');
    const r = await host.run('add', be);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const error = host.xenstored.get(`${be}/hotplug-error`) ?? '';
    expect(error).toMatch(
      /^r0: DRBD refused to promote: .*drbd says: drbd says: .*… \[cut to fit xenstore; the whole text is in syslog and .*xen-hotplug\.log\]$/,
    );
    expect(Buffer.byteLength(`${be}/hotplug-error`) + 1 + Buffer.byteLength(error)).toBeLessThanOrEqual(4096);
    expect(host.xenstored.get(`${be}/hotplug-status`)).toBe('error');
    expect(host.hotplugLog()).toContain(`${said}`);
    expect(host.syslog().join('\n')).toContain(said);
    expect(host.resource('r0').role).toBe('Secondary');
  });

  it('refuses a huge XENBUS_PATH up front with a clear error, before any xenstore or DRBD request', async () => {
    host = await startedHost();
    const huge = `backend/vbd/3/${'5'.repeat(5000)}`;
    const r = await host.run('add', huge);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'block-drbd: XENBUS_PATH is 5014 characters long: a backend device path (backend/vbd/DOMID/DEVID) has at most 256\n',
    );
    expect(host.xenstored.requests).toEqual([]);
    expect(host.drbdCalls()).toEqual([]);
  });
});
