// VMs on the SR: start, shutdown, XenMotion and crashes, on a simulated two-host pool
// (test/support/sr-pool.ts: the XenAPI simulator, a DRBD 8.4 stand-in per host, one shared LVM
// stand-in disk), the built dist/DrbdlvmSR driven in xapi's call orders. It proves the driver's
// sequences, faults and xapi records across whole operations and across hosts, through the real
// process boundary, flock and DRBD/LVM adapters; not real LVM, DRBD, blkback or tapdisk (the lab's).
// Build first (`npm run build`).
import { LOCK_KEY } from '../../src/drbdlvm-sr/activation-lock-entry';
import { HOST_REF, SR_UUID, faultText, outcome, outcomes } from '../support/sr-pool';
import { addVm, crash, reboot, vmMigrate, vmMigrateFinish, vmMigrateStart, vmShutdown, vmStart } from '../support/sr-sequencer';
import { newVdi, pool, poolWithSr, usePool } from '../support/sr-pool-fixture';
import { NULL_REF } from '../support/xapi-sim';

const VG = `VG_XenStorage-${SR_UUID}`;

usePool();

describe('VM life cycle (docs/smapi.md §10)', () => {
  it('start on B: epoch_begin, attach, activate mark B and activate the LV on B only; shutdown undoes it', async () => {
    await poolWithSr();
    const vdi = await newVdi('disk0');
    const vm = addVm(pool, vdi);
    expect(outcomes(await vmStart(pool, vm, 'B'))).toEqual(['B vdi_epoch_begin ok', 'B vdi_attach ok', 'B vdi_activate ok']);
    const attach = pool.steps.find((s) => s.command === 'vdi_attach');
    expect(attach?.response).toEqual({
      kind: 'result',
      value: expect.objectContaining({ params: `/dev/${VG}/LV-${vdi.uuid}`, params_nbd: '' }),
    });
    expect(pool.vdiSmConfig(vdi)).toEqual({ vdi_type: 'aio', [`host_${HOST_REF.B}`]: 'RW' });
    expect(pool.lvm().active).toMatchObject({ B: [`${VG}/LV-${vdi.uuid}`] });
    expect(pool.lvm().active.A ?? []).toEqual([]);
    expect(pool.srSmConfig()).toEqual({});

    expect(outcomes(await vmShutdown(pool, vm))).toEqual(['B vdi_deactivate ok', 'B vdi_detach ok', 'B vdi_epoch_end ok']);
    expect(pool.vdiSmConfig(vdi)).toEqual({ vdi_type: 'aio' });
    expect(pool.lvm().active.B).toEqual([]);
  });

  it('refuses a VM start on B while another VM of the SR runs on A, and the VM stays halted with nothing left behind', async () => {
    await poolWithSr();
    const [d1, d2] = [await newVdi('d1'), await newVdi('d2')];
    const [vm1, vm2] = [addVm(pool, d1), addVm(pool, d2)];
    expect(outcomes(await vmStart(pool, vm1, 'A')).pop()).toBe('A vdi_activate ok');
    const steps = await vmStart(pool, vm2, 'B');
    expect(outcomes(steps)).toEqual([
      'B vdi_epoch_begin ok',
      'B vdi_attach ok',
      'B vdi_activate 5106',
      'B vdi_detach ok',
      'B vdi_epoch_end ok',
    ]);
    expect(faultText(steps[2])).toMatch(
      /refusing a VM start on host bravo: VDIs of this SR are active RW on host alpha \(VDI [0-9a-f-]+\)\. Run it on that host, or migrate the SR's other VMs here first/,
    );
    expect(pool.vdiSmConfig(d2)).toEqual({ vdi_type: 'aio' });
    expect(pool.lvm().active.B ?? []).toEqual([]);
    expect(pool.sim.db.VM[vm2]?.resident_on).toBe(NULL_REF);
    // The same VM starts on A, next to the other.
    expect(outcomes(await vmStart(pool, vm2, 'A')).pop()).toBe('A vdi_activate ok');
  });

  it('deletes a VDI only once its VM is gone, and the record with it', async () => {
    await poolWithSr();
    const vdi = await newVdi('doomed');
    const vm = addVm(pool, vdi);
    await vmStart(pool, vm, 'B');
    expect(outcome(await pool.call('A', 'vdi_delete', { vdi }))).toBe('24');
    await vmShutdown(pool, vm);
    expect(outcome(await pool.call('A', 'vdi_delete', { vdi }))).toBe('ok');
    expect(pool.sim.db.VDI[vdi.ref]).toBeUndefined();
    expect(Object.keys(pool.lvm().disks.drbd0?.vg?.lvs ?? {})).toEqual(['MGT']);
  });
});

describe('XenMotion A → B (docs/smapi.md §10)', () => {
  it('allows the split for the migrating VM only, and a start on B once every VM has moved', async () => {
    await poolWithSr();
    const [d1, d2, d3] = [await newVdi('d1'), await newVdi('d2'), await newVdi('d3')];
    const [vm1, vm2, vm3] = [addVm(pool, d1), addVm(pool, d2), addVm(pool, d3)];
    await vmStart(pool, vm1, 'A');
    await vmStart(pool, vm2, 'A');

    expect(outcomes(await vmMigrate(pool, vm1, 'B'))).toEqual([
      'A vdi_deactivate ok',
      'B vdi_attach ok',
      'B vdi_activate ok',
      'A vdi_detach ok',
    ]);
    expect(pool.syslog('B')).toMatch(/allowed \(migration-split\)/);
    expect(pool.vdiSmConfig(d1)).toEqual({ vdi_type: 'aio', [`host_${HOST_REF.B}`]: 'RW' });
    expect(pool.sim.db.VM[vm1]?.resident_on).toBe(HOST_REF.B);

    // During the split a new VM may not start on B...
    expect(outcomes(await vmStart(pool, vm3, 'B'))).toContain('B vdi_activate 5106');
    // ...nor on A, where the SR's other writer now is B.
    expect(outcomes(await vmStart(pool, vm3, 'A'))).toContain('A vdi_activate 5106');

    await vmMigrate(pool, vm2, 'B');
    expect(outcomes(await vmStart(pool, vm3, 'B')).pop()).toBe('B vdi_activate ok');
  });

  it('kernel blkback under xl migrate: B activates while A still has the VDI (its own VM only), then A lets go', async () => {
    await poolWithSr();
    const [d1, d2] = [await newVdi('d1'), await newVdi('d2')];
    const [vm1, vm2] = [addVm(pool, d1), addVm(pool, d2)];
    await vmStart(pool, vm1, 'A');
    expect(outcomes(await vmMigrateStart(pool, vm1, 'B'))).toEqual(['B vdi_attach ok', 'B vdi_activate ok']);
    expect(pool.syslog('B')).toMatch(/allowed \(migration-split\)/);
    expect(pool.vdiSmConfig(d1)).toEqual({ vdi_type: 'aio', [`host_${HOST_REF.A}`]: 'RW', [`host_${HOST_REF.B}`]: 'RW' });
    expect(pool.lvm().active).toMatchObject({ A: [`${VG}/LV-${d1.uuid}`], B: [`${VG}/LV-${d1.uuid}`] });
    // Another VM starts on neither host during the split.
    expect(outcomes(await vmStart(pool, vm2, 'A'))).toContain('A vdi_activate 5106');
    expect(outcomes(await vmMigrateFinish(pool, vm1))).toEqual(['A vdi_deactivate ok', 'A vdi_detach ok']);
    expect(pool.vdiSmConfig(d1)).toEqual({ vdi_type: 'aio', [`host_${HOST_REF.B}`]: 'RW' });
    expect(pool.lvm().active.A ?? []).toEqual([]);
    expect(pool.sim.db.VM[vm1]).toMatchObject({ resident_on: HOST_REF.B, current_operations: {}, scheduled_to_be_resident_on: NULL_REF });
    // Without the migration marks the same activation is refused: the VDI is RW on B.
    expect(outcome(await pool.call('A', 'vdi_activate', { vdi: d1, args: ['true'] }))).toBe('24');
  });

  it('refuses the split while DRBD is degraded, and xenopsd re-activates the VM on the source', async () => {
    await poolWithSr();
    const [d1, d2] = [await newVdi('d1'), await newVdi('d2')];
    const [vm1, vm2] = [addVm(pool, d1), addVm(pool, d2)];
    await vmStart(pool, vm1, 'A');
    await vmStart(pool, vm2, 'A');
    pool.setDrbd('B', { cs: 'SyncTarget', disks: ['Inconsistent'] });
    pool.setDrbd('A', { cs: 'SyncSource', peerDisks: ['Inconsistent'] });
    const steps = await vmMigrate(pool, vm1, 'B');
    expect(outcomes(steps)).toEqual([
      'A vdi_deactivate ok',
      'B vdi_attach ok',
      'B vdi_activate 5104',
      'B vdi_detach ok',
      'A vdi_activate ok',
    ]);
    expect(pool.vdiSmConfig(d1)).toEqual({ vdi_type: 'aio', [`host_${HOST_REF.A}`]: 'RW' });
  });
});

describe('crashes', () => {
  it("host reboot: sr_attach clears the dead host's marks, so the VM starts again anywhere", async () => {
    await poolWithSr();
    const vdi = await newVdi('d1');
    const vm = addVm(pool, vdi);
    await vmStart(pool, vm, 'B');
    crash(pool, 'B');
    // A cannot start it while xapi still says B has it (xapi HA's resetvdis would clear it; no HA here).
    expect(outcomes(await vmStart(pool, vm, 'A'))).toContain('A vdi_activate 24');
    expect(outcome(await reboot(pool, 'B'))).toBe('ok');
    expect(pool.vdiSmConfig(vdi)).toEqual({ vdi_type: 'aio' });
    expect(outcomes(await vmStart(pool, vm, 'A')).pop()).toBe('A vdi_activate ok');
  });

  it('a driver SIGKILLed holding the activation lock: the other host is refused with the owner named, the next activation on this host recovers', async () => {
    await poolWithSr();
    const vdi = await newVdi('d1');
    const vm = addVm(pool, vdi);
    const rec = pool.sim.db.VM[vm];
    if (rec) Object.assign(rec, { current_operations: { t: 'start' }, scheduled_to_be_resident_on: HOST_REF.A });
    const held = pool.sim.hold('VM.get_current_operations');
    const { child, done } = pool.spawn('A', 'vdi_activate', { vdi, args: ['true'] });
    await held.reached;
    expect(pool.srSmConfig()[LOCK_KEY]).toMatch(new RegExp(`^${HOST_REF.A}@`));
    child.kill('SIGKILL');
    expect(outcome(await done)).toBe('-1');
    held.release();

    const other = addVm(pool, await newVdi('d2'));
    const refused = await vmStart(pool, other, 'B');
    expect(outcomes(refused)).toContain('B vdi_activate 5107');
    expect(faultText(refused.find((s) => s.command === 'vdi_activate'))).toMatch(
      /held by host alpha for \d+ s; retry when it finishes; if that host crashed, plugging its PBD again/,
    );

    // xapi retries the start on A: the per-SR flock died with the process; the lock is taken over.
    expect(outcomes(await vmStart(pool, vm, 'A')).pop()).toBe('A vdi_activate ok');
    expect(pool.srSmConfig()).toEqual({});
    expect(pool.syslog('A')).toMatch(/taking over this host's activation lock left by a killed driver process/);
  });

  it('a driver SIGKILLed while activating the LV: the mark stays (others stay refused), the retry completes', async () => {
    await poolWithSr();
    const vdi = await newVdi('d1');
    addVm(pool, vdi);
    const hang = `lvchange -ay ${VG}/LV-${vdi.uuid}`;
    const { child, done } = pool.spawn('A', 'vdi_activate', { vdi, args: ['true'] }, { LVM_SIM_HANG: hang });
    const { existsSync: exists } = await import('node:fs');
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => exists(`${pool.env('A').LVM_SIM_STATE}.hanging`) && (clearInterval(poll), resolve()), 20);
    });
    child.kill('SIGKILL');
    expect(outcome(await done)).toBe('-1');
    const { readFileSync } = await import('node:fs');
    process.kill(Number(readFileSync(`${pool.env('A').LVM_SIM_STATE}.hanging`, 'utf8')), 'SIGKILL');
    expect(pool.vdiSmConfig(vdi)).toEqual({ vdi_type: 'aio', [`host_${HOST_REF.A}`]: 'RW' });
    expect(outcome(await pool.call('B', 'vdi_activate', { vdi, args: ['true'] }))).toBe('24');
    expect(outcome(await pool.call('A', 'vdi_activate', { vdi, args: ['true'] }))).toBe('ok');
    expect(pool.lvm().active.A).toEqual([`${VG}/LV-${vdi.uuid}`]);
  });
});
