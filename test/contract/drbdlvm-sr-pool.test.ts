// The SR's own life cycle and the master's metadata changes, on a simulated two-host pool
// (test/support/sr-pool.ts: the XenAPI simulator, a DRBD 8.4 stand-in per host, one shared LVM
// stand-in disk), the built dist/DrbdlvmSR driven in xapi's call orders. It proves the driver's
// sequences, faults and xapi records across whole operations and across hosts, through the real
// process boundary, flock and DRBD/LVM adapters; not real LVM, DRBD, blkback or tapdisk (the lab's).
// Build first (`npm run build`).
import { spawnSync } from 'node:child_process';
import { hungPids, processGone } from '../support/hotplug-host';
import { SR_REF, SR_UUID, faultText, outcome, outcomes, type Step } from '../support/sr-pool';
import { addVm, srCreate, vmStart } from '../support/sr-sequencer';
import { MiB, newVdi, pool, poolWithSr, usePool } from '../support/sr-pool-fixture';

const VG = `VG_XenStorage-${SR_UUID}`;
const GiB = 1024n ** 3n;

usePool();

describe('xe sr-create on a two-host pool', () => {
  it('creates the VG on the master, joins both hosts Primary, and fills in the sizes', async () => {
    await poolWithSr();
    expect(pool.lvm().disks.drbd0?.vg?.name).toBe(VG);
    expect(Object.keys(pool.lvm().disks.drbd0?.vg?.lvs ?? {})).toEqual(['MGT']);
    expect([pool.drbd('A')?.role, pool.drbd('B')?.role]).toEqual(['Primary', 'Primary']);
    expect(pool.sim.db.SR[SR_REF]).toMatchObject({
      physical_size: String(1024 * 1024 * 1024 - 12 * 1024 * 1024),
      physical_utilisation: String(4 * 1024 * 1024),
    });
    // Only the master wrote LVM metadata.
    expect(pool.lvmCalls().filter((c) => /^B: (pv|vg|lv)(create|remove|extend)/.test(c))).toEqual([]);
  });

  it('fails cleanly on a third host without the resource, naming it, changing nothing', async () => {
    await poolWithSr();
    const before = pool.lvmCalls().length;
    pool.removeResource('B');
    const step = await pool.call('B', 'sr_attach');
    expect(outcome(step)).toBe('5100');
    expect(faultText(step)).toMatch(
      /^The DRBD resource is not configured or not up on this host \[opterr=host bravo: r0: cannot resolve the DRBD device: 'r0' not defined in your config \(for this host\)\. A drbdlvm SR .*leave it unplugged\)\]$/,
    );
    expect(pool.lvmCalls().length).toBe(before);
    expect(pool.syslog('B')).toMatch(/-p local2\.err -t SM: \[\d+\] sr_attach failed: code 5100/);
  });

  it('reads every role change back: a promotion or demotion DRBD accepted but did not apply is a fault saying so', async () => {
    pool.setDrbd('A', { ignoresRoleChange: true });
    const [create] = await srCreate(pool);
    expect(outcome(create as Step)).toBe('5105');
    expect(faultText(create)).toContain("host alpha: asked for Primary ('drbdadm primary r0' exited 0), DRBD still reports Secondary");
    pool.setDrbd('A', { ignoresRoleChange: false });
    await poolWithSr();
    pool.setDrbd('B', { ignoresRoleChange: true });
    const detach = await pool.call('B', 'sr_detach');
    expect(outcome(detach)).toBe('5110');
    expect(faultText(detach)).toContain("host bravo: asked for Secondary ('drbdadm secondary r0' exited 0), DRBD still reports Primary");
    expect(pool.drbd('B')?.role).toBe('Primary');
  });

  it('refuses to create the SR while the peer is resyncing', async () => {
    pool.setDrbd('A', { cs: 'SyncSource', peerDisks: ['Inconsistent'] });
    const [create] = await srCreate(pool);
    expect(outcome(create as Step)).toBe('5102');
    expect(pool.lvm().disks.drbd0?.vg).toBeNull();
  });
});

describe('master-only metadata changes', () => {
  it('create keeps a UTF-8 label; resize grows the LV on the master, refused on the slave; the VM host refreshes on its next activation', async () => {
    await poolWithSr();
    const vdi = await newVdi('中文机器 0');
    expect(pool.sim.db.VDI[vdi.ref]?.name_label).toBe('中文机器 0');
    expect(outcome(await pool.call('B', 'vdi_resize', { vdi, args: [String(GiB)] }))).toBe('58');
    expect(outcome(await pool.call('A', 'vdi_resize', { vdi, args: [String(128n * MiB)] }))).toBe('ok');
    expect(pool.lvm().disks.drbd0?.vg?.lvs[`LV-${vdi.uuid}`]?.size).toBe(Number(128n * MiB));
    expect(pool.sim.db.VDI[vdi.ref]?.virtual_size).toBe(String(128n * MiB));
    await vmStart(pool, addVm(pool, vdi), 'B');
    expect(pool.lvmCalls()).toContain(`B: lvchange --refresh ${VG}/LV-${vdi.uuid}`);
  });

  it('sr_scan reconciles xapi with LVM, and FAILS without touching xapi when the VG is gone', async () => {
    await poolWithSr();
    const vdi = await newVdi('d1');
    delete pool.sim.db.VDI[vdi.ref];
    expect(outcome(await pool.call('A', 'sr_scan'))).toBe('ok');
    expect(Object.values(pool.sim.db.VDI).map((v) => [v.uuid, v.name_label])).toEqual([[vdi.uuid, `LV-${vdi.uuid}`]]);
    pool.setDrbd('A', { role: 'Secondary' });
    const scan = await pool.call('A', 'sr_scan');
    expect(outcome(scan)).toBe('5108');
    expect(Object.keys(pool.sim.db.VDI)).toHaveLength(1);
  });

  it('sr-destroy: refused while VDIs remain; after they go, the VG goes; unplugging demotes, and so does the delete after its temporary attach', async () => {
    await poolWithSr();
    const vdi = await newVdi('d1');
    expect(outcome(await pool.call('A', 'sr_delete'))).toBe('39');
    expect(outcome(await pool.call('A', 'vdi_delete', { vdi }))).toBe('ok');
    expect(outcomes([await pool.call('B', 'sr_detach'), await pool.call('A', 'sr_detach')])).toEqual(['B sr_detach ok', 'A sr_detach ok']);
    expect([pool.drbd('A')?.role, pool.drbd('B')?.role]).toEqual(['Secondary', 'Secondary']);
    // xapi's destroy: a temporary attach on the master, then sr_delete.
    expect(outcomes([await pool.call('A', 'sr_attach'), await pool.call('A', 'sr_delete')])).toEqual(['A sr_attach ok', 'A sr_delete ok']);
    expect(pool.lvm().disks.drbd0?.vg).toBeNull();
    expect([pool.drbd('A')?.role, pool.drbd('B')?.role]).toEqual(['Secondary', 'Secondary']);
  });
});

describe('a promotion that hangs (a fence-peer handler that never returns)', () => {
  it('sr_attach answers a fault, kills the hung command and leaves the SR lock free', async () => {
    await poolWithSr();
    expect(outcome(await pool.call('B', 'sr_detach'))).toBe('ok');
    pool.setDrbd('B', { hangOnPrimary: true });
    // xapi sets no timeout: before issue 19 this call never returned, holding the SR lock.
    const step = await pool.call('B', 'sr_attach');
    expect(outcome(step)).toBe('5105');
    expect(faultText(step)).toMatch(
      /^DRBD could not be promoted to Primary on this host \[opterr=host bravo: .*'drbdadm primary r0' did not finish in \d+ ms/,
    );
    expect(pool.drbd('B')?.role).toBe('Secondary');
    const hung = hungPids(pool.drbdStatePath('B'));
    expect(hung).toHaveLength(1);
    for (const pid of hung) expect(await processGone(pid)).toBe(true);
    expect(spawnSync('flock', ['-n', '-x', pool.srLockFile('B'), 'true']).status).toBe(0);
  });
});
