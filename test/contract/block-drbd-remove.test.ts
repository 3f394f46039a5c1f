// `remove`, and add/remove across a SIGKILL, run as libxl runs them.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DRBDSETUP84, HEALTHY, HotplugHost, TWO_VOLUMES, type SimResource } from '../support/hotplug-host';

let host: HotplugHost;

afterEach(async () => {
  await host.stop();
});

async function started(resources: Record<string, SimResource> = { r0: HEALTHY }): Promise<HotplugHost> {
  host = new HotplugHost();
  await host.start(resources);
  return host;
}

describe('block-drbd remove', () => {
  it('demotes what add promoted and forgets the promotion', async () => {
    await started();
    const be = host.addBackend(3, 51712, 'r0');
    expect((await host.run('add', be)).code).toBe(0);
    const r = await host.run('remove', be);
    expect(r.code).toBe(0);
    expect(host.resource('r0').role).toBe('Secondary');
    expect(host.ledger('r0')).toBeUndefined();
    expect(host.syslog()).toContain('-p daemon.notice -t block-drbd: r0: demoted to Secondary (backend/vbd/3/51712 removed)');
  });

  it('retries while the device is held open (blkback lets go asynchronously), then demotes', async () => {
    await started();
    const be = host.addBackend(3, 51712, 'r0');
    expect((await host.run('add', be)).code).toBe(0);
    host.setResource('r0', { heldOpen: 2 });
    expect((await host.run('remove', be)).code).toBe(0);
    expect(host.resource('r0').role).toBe('Secondary');
    expect(host.roleChanges()).toEqual(['drbdsetup-84 primary 0', ...Array(3).fill('drbdsetup-84 secondary 0')]);
    expect(host.syslog()).toContain(
      '-p daemon.notice -t block-drbd: r0: demoted to Secondary after 3 attempts (backend/vbd/3/51712 removed)',
    );
  });

  it('reads the role back: a demotion DRBD accepted but did not apply is a failure that says so', async () => {
    await started();
    const be = host.addBackend(3, 51712, 'r0');
    expect((await host.run('add', be)).code).toBe(0);
    host.setResource('r0', { ignoresRoleChange: true });
    const r = await host.libxlRemove(be);
    expect(r.code).toBe(1);
    const error = `r0: LEFT PRIMARY: asked for Secondary ('${DRBDSETUP84} secondary 0' exited 0), DRBD still reports Primary`;
    expect(r.stderr).toBe(`block-drbd: ${error}\n`);
    expect(host.syslog()).toContain(`-p daemon.err -t block-drbd: ${error}`);
    expect(host.resource('r0').role).toBe('Primary');
    // still recorded as ours: the next remove or `xen-drbd reconcile` demotes it
    expect(host.ledger('r0')).toMatchObject({ resource: 'r0' });
  });

  it('leaves a resource Primary that was Primary before block-drbd touched it', async () => {
    await started({ r0: { ...HEALTHY, role: 'Primary' } });
    const be = host.addBackend(3, 51712, 'r0');
    expect((await host.run('add', be)).code).toBe(0);
    expect(host.roleChanges()).toEqual([]);
    expect((await host.run('remove', be)).code).toBe(0);
    expect(host.resource('r0').role).toBe('Primary');
    expect(host.roleChanges()).toEqual([]);
  });

  it('keeps the resource Primary while another volume of it is still in use', async () => {
    await started({ r1: TWO_VOLUMES });
    const disk0 = host.addBackend(3, 51712, 'r1/0');
    const disk1 = host.addBackend(3, 51728, 'r1/1');
    expect((await host.run('add', disk0)).code).toBe(0);
    expect((await host.run('add', disk1)).code).toBe(0);
    expect((await host.libxlRemove(disk0)).code).toBe(0);
    expect(host.resource('r1').role).toBe('Primary');
    expect((await host.libxlRemove(disk1)).code).toBe(0);
    expect(host.resource('r1').role).toBe('Secondary');
  });

  it('demotes once when both volumes of a destroyed domain are removed in parallel', async () => {
    await started({ r1: TWO_VOLUMES });
    const disk0 = host.addBackend(3, 51712, 'r1/0');
    const disk1 = host.addBackend(3, 51728, 'r1/1');
    expect((await host.run('add', disk0)).code).toBe(0);
    expect((await host.run('add', disk1)).code).toBe(0);
    const results = await Promise.all([host.libxlRemove(disk0), host.libxlRemove(disk1)]);
    expect(results.map((r) => r.code)).toEqual([0, 0]);
    expect(host.resource('r1').role).toBe('Secondary');
    expect(host.ledger('r1')).toBeUndefined();
  });

  it('keeps the resource Primary while another domain still uses it (localhost migration)', async () => {
    await started();
    const old = host.addBackend(3, 51712, 'r0', { vm: '/vm/same' });
    expect((await host.run('add', old)).code).toBe(0);
    const incoming = host.addBackend(4, 51712, 'r0', { vm: '/vm/same', name: 'vm3--incoming' });
    expect((await host.run('add', incoming)).code).toBe(0);
    host.xenstored.set('/local/domain/3/name', 'vm3--migratedaway');
    expect((await host.libxlRemove(old)).code).toBe(0);
    expect(host.resource('r0').role).toBe('Primary');
  });

  it('is a no-op after an add that was refused: no DRBD command at all', async () => {
    await started({ r0: { ...HEALTHY, peerRole: 'Primary' } });
    const be = host.addBackend(3, 51712, 'r0');
    expect((await host.run('add', be)).code).toBe(1);
    const byAdd = host.drbdCalls().length;
    expect((await host.run('remove', be)).code).toBe(0);
    expect(host.drbdCalls().slice(byAdd)).toEqual([]);
    expect(host.roleChanges()).toEqual([]);
  });

  it('demotes without a record when the guest migrated away (the record is on the destination)', async () => {
    await started({ r0: { ...HEALTHY, role: 'Primary' } });
    const be = host.addBackend(3, 51712, 'r0', { name: 'vm3' });
    expect((await host.run('add', be)).code).toBe(0);
    expect(host.ledger('r0')).toBeUndefined();
    host.xenstored.set('/local/domain/3/name', 'vm3--migratedaway');
    expect((await host.libxlRemove(be)).code).toBe(0);
    expect(host.resource('r0').role).toBe('Secondary');
    expect(host.roleChanges()).toEqual(['drbdsetup-84 secondary 0']);
  });

  it('restores Secondary after add was SIGKILLed right after it promoted', async () => {
    // The promotion takes 1.5 s here; libxl's SIGKILL reaches only the script, not drbdsetup.
    await started({ r0: { ...HEALTHY, primaryDelayMs: 1500 } });
    const be = host.addBackend(3, 51712, 'r0');
    let pid = 0;
    const add = host.run('add', be, (p) => (pid = p));
    await waitFor(() => host.roleChanges().includes('drbdsetup-84 primary 0'));
    process.kill(pid, 'SIGKILL');
    expect((await add).signal).toBe('SIGKILL');
    await waitFor(() => host.resource('r0').role === 'Primary'); // the orphaned drbdadm finishes
    expect(host.xenstored.get(`${be}/physical-device`)).toBeUndefined();
    expect((await host.run('remove', be)).code).toBe(0);
    expect(host.resource('r0').role).toBe('Secondary');
    expect(host.roleChanges()).toEqual(['drbdsetup-84 primary 0', 'drbdsetup-84 secondary 0']);
  });

  it('gives up loudly when the device stays held open past the budget', async () => {
    await started();
    const be = host.addBackend(3, 51712, 'r0');
    expect((await host.run('add', be)).code).toBe(0);
    host.setResource('r0', { heldOpen: 1_000_000 });
    const r = await host.run('remove', be);
    expect(r.code).toBe(1);
    expect(host.resource('r0').role).toBe('Primary');
    expect(host.xenstored.get(`${be}/hotplug-error`)).toMatch(
      /^r0: LEFT PRIMARY: the device is still held open after \d+ attempts over \d+ s .*\(-12\) Device is held open by someone.*'drbdadm secondary r0'/,
    );
    expect(host.syslog()).toContainEqual(expect.stringMatching(/^-p daemon\.err -t block-drbd: r0: LEFT PRIMARY/));
  }, 45_000);
});

describe('Xen hotplug lock', () => {
  it("waits for a holder using locking.sh's protocol before touching the backend", async () => {
    await started();
    const be = host.addBackend(3, 51712, 'r0');
    const lockDir = join(host.dir, 'xen-hotplug');
    mkdirSync(lockDir, { recursive: true });
    // Hold the lock the way claim_lock does (flock on the file), release the way release_lock does (rm).
    const holder = spawn('flock', ['-x', join(lockDir, 'block'), '-c', `sleep 2; rm -f ${join(lockDir, 'block')}`]);
    await waitFor(() => {
      try {
        execFileSync('flock', ['-n', '-x', join(lockDir, 'block'), 'true']);
        return false;
      } catch {
        return true; // someone holds it
      }
    });
    const add = host.run('add', be);
    await new Promise((r) => setTimeout(r, 1000));
    expect(host.xenstored.get(`${be}/physical-device`)).toBeUndefined();
    expect(host.resource('r0').role).toBe('Secondary');
    await new Promise((r) => holder.on('close', r));
    expect((await add).code).toBe(0);
    expect(host.xenstored.get(`${be}/physical-device`)).toBe('93:0');
  });

  /** The lock held (as claim_lock holds it) until the returned function is called. */
  async function holdLock(): Promise<() => Promise<void>> {
    const file = join(host.dir, 'xen-hotplug', 'block');
    mkdirSync(join(host.dir, 'xen-hotplug'), { recursive: true });
    const holder = spawn('flock', ['-x', file, '-c', 'read _']);
    await waitFor(() => {
      try {
        execFileSync('flock', ['-n', '-x', file, 'true']);
        return false;
      } catch {
        return true;
      }
    });
    return async () => {
      holder.stdin.end();
      await new Promise((r) => holder.on('close', r));
    };
  }

  // Many domains starting or stopping at once on a dom0 short of CPU: the lock is what runs out.
  it('add: a lock that stays held past the budget is a refusal that says so, and nothing changes', async () => {
    await started();
    writeFileSync(host.policyPath, JSON.stringify({ budgetSeconds: 5, promotableWaitSeconds: 0 }));
    const be = host.addBackend(3, 51712, 'r0');
    const letGo = await holdLock();
    const r = await host.run('add', be);
    await letGo();
    expect(r.code).toBe(1);
    expect(host.xenstored.get(`${be}/hotplug-error`)).toMatch(
      /^r0: not promoted: the hotplug lock \S+\/xen-hotplug\/block was not free within [1-5] s \(every hotplug script on this host takes it in turn: .*\)\. Nothing was changed; start the domain again\.$/,
    );
    expect(host.resource('r0').role).toBe('Secondary');
    expect(host.xenstored.get(`${be}/physical-device`)).toBeUndefined();
    expect(host.ledger('r0')).toBeUndefined();
  }, 30_000);

  it('remove: a lock that stays held past the budget leaves the resource Primary, recorded, and says how to demote it', async () => {
    await started();
    const be = host.addBackend(3, 51712, 'r0');
    expect((await host.run('add', be)).code).toBe(0);
    writeFileSync(host.policyPath, JSON.stringify({ budgetSeconds: 5, promotableWaitSeconds: 0 }));
    const letGo = await holdLock();
    const r = await host.libxlRemove(be);
    await letGo();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^block-drbd: r0: LEFT PRIMARY: the hotplug lock \S+ was not free within [1-5] s \(.*\)\. 'xen-drbd reconcile' shows it and how to demote it once nothing uses it\.\n$/,
    );
    expect(host.resource('r0').role).toBe('Primary');
    expect(host.ledger('r0')).toMatchObject({ resource: 'r0' });
  }, 30_000);
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
