// The built dist/block-drbd run as libxl runs it, against a test xenstored and the DRBD stand-in.
// The qemu lab repeats these against real Xen and DRBD (test/lab/scenarios).
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DRBDSETUP84, HEALTHY, HotplugHost, PEER, startedHost, TWO_VOLUMES, type SimResource } from '../support/hotplug-host';

let host: HotplugHost;

afterEach(async () => {
  await host.stop();
});

describe('block-drbd add', () => {
  it('promotes a healthy Secondary resource and writes the backend keys libxl expects', async () => {
    host = await startedHost();
    const be = host.addBackend(3, 51712, 'r0');
    const r = await host.run('add', be);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(host.xenstored.get(`${be}/physical-device`)).toBe('93:0');
    expect(host.xenstored.get(`${be}/physical-device-path`)).toBe(`${host.dir}/dev/drbd0`);
    expect(host.xenstored.get(`${be}/hotplug-status`)).toBe('connected');
    expect(host.xenstored.get(`${be}/hotplug-error`)).toBeUndefined();
    expect(host.resource('r0').role).toBe('Primary');
    // r0 is up: 8.4's own drbdsetup does it all, drbdadm never starts.
    expect(host.drbdCalls()).toEqual(['drbdsetup-84 show r0', 'drbdsetup-84 primary 0']);
    expect(host.ledger('r0')).toMatchObject({ resource: 'r0', backend: be, dualPrimary: false });
    expect(host.syslog()).toEqual([
      expect.stringMatching(/^-p daemon\.notice -t block-drbd: r0: promoted; .*drbd0 \(93:0\) given to vm3 via backend\/vbd\/3\/51712$/),
    ]);
  });

  it('promotes through drbdadm where no drbdsetup-84 is installed', async () => {
    host = new HotplugHost({ drbdsetup84: false });
    await host.start({ r0: HEALTHY });
    const be = host.addBackend(3, 51712, 'r0');
    expect((await host.run('add', be)).code).toBe(0);
    expect(host.xenstored.get(`${be}/physical-device`)).toBe('93:0');
    expect(host.resource('r0').role).toBe('Primary');
    expect(host.drbdCalls()).toEqual(['drbdadm sh-dev r0', 'drbdadm primary r0']);
  });

  it('accepts the drbd: prefix some toolstacks leave in params', async () => {
    host = await startedHost();
    const be = host.addBackend(3, 51712, 'drbd:r0');
    expect((await host.run('add', be)).code).toBe(0);
    expect(host.resource('r0').role).toBe('Primary');
  });

  it('does nothing when physical-device is already written (libxl may call add twice)', async () => {
    host = await startedHost();
    const be = host.addBackend(3, 51712, 'r0');
    expect((await host.run('add', be)).code).toBe(0);
    const calls = host.drbdCalls().length;
    expect((await host.run('add', be)).code).toBe(0);
    expect(host.drbdCalls()).toHaveLength(calls);
  });

  it.each([
    ['a second writer on a single-primary resource', false],
    ['a second writer even when the resource is configured allow-two-primaries', true],
  ])('refuses %s: peer Primary leaves both roles as they were', async (_case, twoPrimaries) => {
    host = await startedHost({ r0: { ...HEALTHY, peerRole: 'Primary', twoPrimaries } });
    const be = host.addBackend(3, 51712, 'r0');
    const r = await host.run('add', be);
    expect(r.code).toBe(1);
    const error = `r0: peer ${PEER} is Primary; refusing to start a second writer. Stop the domain on ${PEER} first, or migrate it live ('xl migrate', 'virsh migrate --live').`;
    expect(host.xenstored.get(`${be}/hotplug-error`)).toBe(error);
    expect(host.xenstored.get(`${be}/hotplug-status`)).toBe('error');
    expect(host.xenstored.get(`${be}/physical-device`)).toBeUndefined();
    expect(r.stderr).toBe(`block-drbd: ${error}\n`);
    expect(host.resource('r0').role).toBe('Secondary');
    expect(host.roleChanges()).toEqual([]);
    expect(host.ledger('r0')).toBeUndefined();
    expect(host.syslog()).toContain(`-p daemon.err -t block-drbd: ${error}`);
    expect(host.hotplugLog()).toContain(`err: ${error}`);
  });

  it('refuses a StandAlone resource (split-brain or disconnected) and says how to fix it', async () => {
    host = await startedHost({ r0: { ...HEALTHY, cs: 'StandAlone', peerRole: 'Unknown', peerDisks: ['DUnknown'] } });
    const be = host.addBackend(3, 51712, 'r0');
    expect((await host.run('add', be)).code).toBe(1);
    expect(host.xenstored.get(`${be}/hotplug-error`)).toMatch(/^r0: DRBD is StandAlone \(UpToDate\).*split-brain.*'drbdadm connect r0'/);
    expect(host.resource('r0').role).toBe('Secondary');
  });

  it('promotes for failover: peer unreachable, local disk UpToDate', async () => {
    host = await startedHost({ r0: { ...HEALTHY, cs: 'WFConnection', peerRole: 'Unknown', peerDisks: ['DUnknown'] } });
    const be = host.addBackend(3, 51712, 'r0');
    expect((await host.run('add', be)).code).toBe(0);
    expect(host.resource('r0').role).toBe('Primary');
  });

  it('starts on an Inconsistent disk syncing from an UpToDate peer, with a warning', async () => {
    host = await startedHost({ r0: { ...HEALTHY, cs: 'SyncTarget', disks: ['Inconsistent'] } });
    const be = host.addBackend(3, 51712, 'r0');
    expect((await host.run('add', be)).code).toBe(0);
    expect(host.resource('r0').role).toBe('Primary');
    expect(host.syslog()).toContain(
      '-p daemon.warning -t block-drbd: r0: local disk is Inconsistent while connected to the peer, whose disk is ' +
        'UpToDate (SyncTarget): the domain depends on the replication link until the resync ends.',
    );
  });

  it('waits, bounded, for a resource still connecting at boot, then promotes once it is UpToDate', async () => {
    host = await startedHost({
      r0: { ...HEALTHY, cs: 'WFConnection', peerRole: 'Unknown', disks: ['Consistent'], peerDisks: ['DUnknown'] },
    });
    const be = host.addBackend(3, 51712, 'r0');
    const running = host.run('add', be);
    await new Promise((r) => setTimeout(r, 1500));
    expect(host.xenstored.get(`${be}/physical-device`)).toBeUndefined();
    host.setResource('r0', { cs: 'Connected', peerRole: 'Secondary', disks: ['UpToDate'], peerDisks: ['UpToDate'] });
    // the stand-in renders /proc/drbd on its next call
    await host.drbdadm(['dump', 'r0']);
    const r = await running;
    expect(r.code).toBe(0);
    expect(host.resource('r0').role).toBe('Primary');
  });

  it('rejects a target that is no DRBD resource name before running anything', async () => {
    host = await startedHost();
    const be = host.addBackend(3, 51712, 'r0;reboot');
    expect((await host.run('add', be)).code).toBe(1);
    expect(host.xenstored.get(`${be}/hotplug-error`)).toMatch(/^invalid DRBD target 'r0;reboot'/);
    expect(host.drbdCalls()).toEqual([]);
  });

  // drbdadm and drbdsetup read `all` as every resource and `minor-N` as a device: `drbd:all/0` once
  // reached `drbdadm primary all` and promoted r1 while r1's peer was Primary (dual-primary allowed).
  it.each<[string, string, SimResource['peerRole']]>([
    ['drbd:all/0', "'all' means every resource to drbdadm and drbdsetup, not one resource", 'Primary'],
    ['all', "'all' means every resource to drbdadm and drbdsetup, not one resource", 'Primary'],
    ['minor-1', "drbdadm reads a name starting with 'minor-' as a device minor (minor-N), not a resource", 'Secondary'],
  ])('refuses %s, a DRBD keyword, with the rule it breaks, running nothing', async (params, rule, r1Peer) => {
    host = await startedHost({ r0: HEALTHY, r1: { ...HEALTHY, minors: [1], peerRole: r1Peer, twoPrimaries: true } });
    const be = host.addBackend(3, 51712, params);
    const r = await host.run('add', be);
    expect(r.code).toBe(1);
    const error = `invalid DRBD target '${params}': ${rule}`;
    expect(host.xenstored.get(`${be}/hotplug-error`)).toBe(error);
    expect(host.xenstored.get(`${be}/hotplug-status`)).toBe('error');
    expect(r.stderr).toBe(`block-drbd: ${error}\n`);
    expect(host.drbdCalls()).toEqual([]);
    expect([host.resource('r0').role, host.resource('r1').role]).toEqual(['Secondary', 'Secondary']);
  });

  it.each(['pvc-0c1d7a0e-5b8f-4c2e-9a61-3f0e2d4b5c6a', 'xcp-volume-4b0f1a2c-8d3e-4f5a-9b6c-7d8e9f0a1b2c/0'])(
    'promotes %s, named as LINSTOR names resources',
    async (params) => {
      const name = params.split('/')[0] as string;
      host = await startedHost({ [name]: HEALTHY });
      const be = host.addBackend(3, 51712, params);
      expect((await host.run('add', be)).code).toBe(0);
      expect(host.resource(name).role).toBe('Primary');
      expect(host.roleChanges()).toEqual(['drbdsetup-84 primary 0']);
    },
  );

  it('reads the role back: a promotion DRBD accepted but did not apply fails, leaving nothing behind', async () => {
    host = await startedHost({ r0: { ...HEALTHY, ignoresRoleChange: true } });
    const be = host.addBackend(3, 51712, 'r0');
    expect((await host.run('add', be)).code).toBe(1);
    expect(host.xenstored.get(`${be}/hotplug-error`)).toBe(
      `r0: asked for Primary ('${DRBDSETUP84} primary 0' exited 0), DRBD still reports Secondary`,
    );
    expect(host.xenstored.get(`${be}/physical-device`)).toBeUndefined();
    expect(host.resource('r0').role).toBe('Secondary');
    expect(host.ledger('r0')).toBeUndefined();
  });

  it("reports drbdadm's own words for a resource that is not configured", async () => {
    host = await startedHost();
    const be = host.addBackend(3, 51712, 'nosuch');
    expect((await host.run('add', be)).code).toBe(1);
    expect(host.xenstored.get(`${be}/hotplug-error`)).toBe(
      "nosuch: cannot resolve the DRBD device: 'nosuch' not defined in your config (for this host).",
    );
  });

  it('asks for RES/VOL on a multi-volume resource and serves one volume per disk', async () => {
    host = await startedHost({ r1: TWO_VOLUMES });
    const whole = host.addBackend(3, 51712, 'r1');
    expect((await host.run('add', whole)).code).toBe(1);
    expect(host.xenstored.get(`${whole}/hotplug-error`)).toMatch(/^r1 has 2 volumes .*name one per disk as r1\/VOLUME/);
    host.xenstored.tree.clear();
    host.xenstored.set('/', '');
    const vol1 = host.addBackend(3, 51728, 'r1/1');
    expect((await host.run('add', vol1)).code).toBe(0);
    expect(host.xenstored.get(`${vol1}/physical-device`)).toBe('93:b');
  });

  it('refuses, as busy, a device another domain already uses, and steps back to Secondary', async () => {
    host = await startedHost();
    const other = host.addBackend(4, 51712, 'r0');
    host.xenstored.set(`${other}/physical-device`, '93:0');
    const be = host.addBackend(3, 51712, 'r0');
    expect((await host.run('add', be)).code).toBe(1);
    expect(host.xenstored.get(`${be}/hotplug-status`)).toBe('busy');
    expect(host.xenstored.get(`${be}/hotplug-error`)).toMatch(/already in use by another guest \(backend\/vbd\/4\/51712\)/);
    expect(host.resource('r0').role).toBe('Secondary');
    expect(host.ledger('r0')).toBeUndefined();
  });

  it('skips the sharing check for w! disks', async () => {
    host = await startedHost();
    const other = host.addBackend(4, 51712, 'r0');
    host.xenstored.set(`${other}/physical-device`, '93:0');
    const be = host.addBackend(3, 51712, 'r0', { mode: 'w!' });
    expect((await host.run('add', be)).code).toBe(0);
  });
});

describe("block-drbd and root's own files", () => {
  // At umask 000 an earlier run made the ledger directory world-writable: another user could have
  // swapped the record for a link to a root-only file.
  it('refuses to promote with a ledger directory others can write to, naming it, and changes nothing', async () => {
    host = await startedHost();
    mkdirSync(join(host.dir, 'promoted'), { mode: 0o777 });
    chmodSync(join(host.dir, 'promoted'), 0o777);
    const be = host.addBackend(3, 51712, 'r0');
    const r = await host.run('add', be);
    expect(r.code).toBe(1);
    expect(host.xenstored.get(`${be}/hotplug-error`)).toContain(
      `${join(host.dir, 'promoted')} is owned by uid 0 with mode 0777: root's files must be in directories owned by root`,
    );
    expect(host.roleChanges()).toEqual([]);
    expect(host.resource('r0').role).toBe('Secondary');
  });
});

describe('block-drbd contract errors', () => {
  it('rejects an action other than add or remove', async () => {
    host = await startedHost();
    const be = host.addBackend(3, 51712, 'r0');
    const r = await host.run('online', be);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("block-drbd: invalid command 'online': expected add or remove\n");
    expect(host.xenstored.get(`${be}/hotplug-error`)).toBe("invalid command 'online': expected add or remove");
  });

  it('refuses to run without XENBUS_PATH', async () => {
    host = await startedHost();
    const r = await host.run('add', undefined);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/XENBUS_PATH is not set/);
    expect(host.drbdCalls()).toEqual([]);
  });
});

// libxl's 40 s run starts at its fork: a Node start delayed by a starved dom0 spends the budget.
describe('block-drbd on a dom0 short of CPU', () => {
  const policy = '{"budgetSeconds": 10, "promotableWaitSeconds": 5}';

  it('counts the delayed start against the budget and, too late to promote safely, changes nothing', async () => {
    host = new HotplugHost({ slowStartMs: 6000 });
    await host.start({ r0: HEALTHY });
    writeFileSync(host.policyPath, policy);
    const be = host.addBackend(3, 51712, 'r0');
    const r = await host.run('add', be);
    expect(r.code).toBe(1);
    expect(host.xenstored.get(`${be}/hotplug-error`)).toMatch(
      /^r0: not promoted: \d+\.\d s of this run's 10 s budget are gone \(start-up and waits took them: is dom0 short of CPU\?\), and \d\.\d s is too little to promote and, if needed, undo it before the run's time is up\. Nothing was changed; start the domain again\.$/,
    );
    expect(host.resource('r0').role).toBe('Secondary');
    expect(host.roleChanges()).toEqual([]);
    expect(host.ledger('r0')).toBeUndefined();
    expect(host.xenstored.get(`${be}/physical-device`)).toBeUndefined();
  }, 30_000);

  it('promotes when the delayed start leaves enough of the budget', async () => {
    host = new HotplugHost({ slowStartMs: 1000 });
    await host.start({ r0: HEALTHY });
    writeFileSync(host.policyPath, policy);
    const be = host.addBackend(3, 51712, 'r0');
    expect((await host.run('add', be)).code).toBe(0);
    expect(host.resource('r0').role).toBe('Primary');
  });

  it('a late remove still demotes: giving the device back needs no reserve', async () => {
    host = await startedHost();
    writeFileSync(host.policyPath, policy);
    const be = host.addBackend(3, 51712, 'r0');
    expect((await host.run('add', be)).code).toBe(0);
    host.slowStartMs = 8000;
    const r = await host.libxlRemove(be);
    expect(r.code).toBe(0);
    expect(host.resource('r0').role).toBe('Secondary');
  }, 30_000);
});
