// The drbdlvm SR with a real domU: scenario 17's set-up (r0 allow-two-primaries, the SR attached on
// both hosts, A the pool master, the XenAPI simulator in the runner), and a PVH guest (scenario 09's)
// whose disk is its VDI's LV, `phy:<params of vdi_attach>` through kernel blkback. The guest writes
// the lab's payload on A and keeps re-reading it; XenMotion A → B with a real `xl migrate`; a second
// VM of the SR refused on A while the first runs on B; shutdown. Steps build on each other.
// The migration's order: A's blkback holds the LV open until A's domain is gone, so A cannot
// deactivate first (the sequencer's vmMigrate order: 53, shown below); B attaches and activates while
// xapi marks the VM pool_migrate (vmMigrateStart), then xl migrate, then A lets go (vmMigrateFinish).
import { domainExists, role, waitDomainGone, xlCreate, xlError, xlMigrate } from '../lib/drbd';
import { stepLog } from '../lib/scenario';
import { lvAttrOf, lvPathOf, sha256Of, startRefusedOnA, startSrGuest, useSrLab, waitGuestReads, waitLvClosed } from '../lib/sr-lab';
import { HOST_REF, faultText, outcome, outcomes, type Vdi } from '../../support/sr-pool';
import { addVm, srCreate, vdiCreate, vmMigrateFinish, vmMigrateStart, vmShutdown, vmStart } from '../../support/sr-sequencer';

const NAME = 'drbdlvm-sr-domu';
const MiB = 1024 * 1024;
const GUEST = 'srvm';

const { pool, lab } = useSrLab(NAME);

const smConfig = (vdi: Vdi) => pool().sim.db.VDI[vdi.ref]?.sm_config;

let disk1: Vdi;
let vm1: string;
let params: string;
let tick = 0;

describe('drbdlvm: a domU on its VDI through blkback, XenMotion with xl migrate', () => {
  beforeAll(async () => {
    const { lab: l } = lab();
    expect(outcomes(await srCreate(pool()))).toEqual(['A sr_create ok', 'A sr_attach ok', 'B sr_attach ok', 'A sr_update ok']);
    // The guest's payload (4 MiB) and room: LVM rounds to 4 MiB extents.
    const { step, vdi } = await vdiCreate(pool(), BigInt(l.payload.length + 4 * MiB), 'disk1');
    expect(outcome(step)).toBe('ok');
    disk1 = vdi as Vdi;
    vm1 = addVm(pool(), disk1);
  }, 180_000);

  test('VM start on A: attach answers the LV, the guest writes the payload and reads it back; dom0 reads the same', async () => {
    const { lab: l, A, B, note } = lab();
    const steps = await vmStart(pool(), vm1, 'A');
    expect(outcomes(steps)).toEqual(['A vdi_epoch_begin ok', 'A vdi_attach ok', 'A vdi_activate ok']);
    const attach = steps[1]!.response;
    params = attach.kind === 'result' ? (attach.value as { params: string }).params : '';
    expect(params).toBe(lvPathOf(disk1.uuid));
    expect({ A: await lvAttrOf(A, disk1.uuid), B: await lvAttrOf(B, disk1.uuid) }).toEqual({ A: '-wi-a-----', B: '-wi-------' });
    await startSrGuest(A, GUEST, params, l.payloadSha256);
    tick = await waitGuestReads(A, GUEST, l.payloadSha256);
    expect((await lvAttrOf(A, disk1.uuid))[5]).toBe('o');
    const onA = await sha256Of(A, params, l.payload.length);
    note('payload sha256', l.payloadSha256);
    note('sha256 read in dom0 A', onA);
    stepLog(
      NAME,
      `guest ${GUEST} on A (disk phy:${params}) wrote and re-reads sha256 ${l.payloadSha256} (tick ${tick}); dom0 A reads ${onA}`,
    );
    expect(onA).toBe(l.payloadSha256);
  });

  test('XenMotion A → B: B attaches and activates (migration split), xl migrate, A lets go; the guest reads the payload on B', async () => {
    const { lab: l, A, B, note } = lab();
    // The sequencer's vmMigrate order starts with A's vdi_deactivate: refused while blkback holds the LV.
    const early = await pool().call('A', 'vdi_deactivate', { vdi: disk1 });
    note('A vdi_deactivate while the guest runs', `${outcome(early)}: ${faultText(early).slice(0, 160)}`);
    expect(outcome(early)).toBe('53');
    expect(faultText(early)).toMatch(/in use/);
    expect(await lvAttrOf(A, disk1.uuid)).toBe('-wi-ao----');

    expect(outcomes(await vmMigrateStart(pool(), vm1, 'B'))).toEqual(['B vdi_attach ok', 'B vdi_activate ok']);
    expect((await B.sh('cat /var/log/SMlog')).match(/vdi_activate \S+ RW on \S+: allowed \([^)]+\)/g)?.pop()).toMatch(
      /allowed \(migration-split\)/,
    );
    expect(smConfig(disk1)).toEqual({ vdi_type: 'aio', [`host_${HOST_REF.A}`]: 'RW', [`host_${HOST_REF.B}`]: 'RW' });
    expect({ A: await lvAttrOf(A, disk1.uuid), B: await lvAttrOf(B, disk1.uuid) }).toEqual({ A: '-wi-ao----', B: '-wi-a-----' });

    await B.run(`rm -f /var/log/xen/console/guest-${GUEST}*.log`);
    const m = await xlMigrate(A, B, GUEST);
    stepLog(NAME, `xl migrate A→B rc=${m.code} in ${(m.ms / 1000).toFixed(1)} s: ${m.stderr.trim().split('\n').slice(-2).join(' | ')}`);
    note('xl migrate A→B s', (m.ms / 1000).toFixed(1));
    expect(m.code).toBe(0);
    expect({ A: await domainExists(A, GUEST), B: await domainExists(B, GUEST) }).toEqual({ A: false, B: true });
    tick = await waitGuestReads(B, GUEST, l.payloadSha256, tick);

    await waitLvClosed(A, disk1.uuid);
    expect(outcomes(await vmMigrateFinish(pool(), vm1))).toEqual(['A vdi_deactivate ok', 'A vdi_detach ok']);
    expect({ A: await lvAttrOf(A, disk1.uuid), B: await lvAttrOf(B, disk1.uuid) }).toEqual({ A: '-wi-------', B: '-wi-ao----' });
    expect(smConfig(disk1)).toEqual({ vdi_type: 'aio', [`host_${HOST_REF.B}`]: 'RW' });
    expect(pool().sim.db.VM[vm1]?.resident_on).toBe(HOST_REF.B);
    const onB = await sha256Of(B, params, l.payload.length);
    note('sha256 read in dom0 B', onB);
    note('roles after the move', `A ${await role(A, 'r0')}, B ${await role(B, 'r0')}`);
    stepLog(NAME, `guest on B re-reads sha256 ${l.payloadSha256} (tick ${tick}); dom0 B reads ${onB}; LV inactive on A`);
    expect(onB).toBe(l.payloadSha256);
  });

  test('a second VM of the SR started on A is refused 5106 naming B; no domain on A; the guest on B reads on', async () => {
    const { lab: l, A, note } = lab();
    const { vdi: disk2, why } = await startRefusedOnA(pool(), 4n * BigInt(MiB), disk1);
    note('5106', why);
    stepLog(NAME, `refused on A: ${why}`);
    expect(await lvAttrOf(A, disk2.uuid)).toBe('-wi-------');
    expect(smConfig(disk2)).toEqual({ vdi_type: 'aio' });
    // What xl would be handed: the LV, never activated here, is not there to open.
    const r = await xlCreate(A, { name: 'intruder', disks: [`phy:${lvPathOf(disk2.uuid)},xvda,w`], action: 'verify' });
    note('xl create intruder on A', `rc=${r.code}: ${xlError(r).slice(0, 160)}`);
    expect(r.code).not.toBe(0);
    expect(await domainExists(A, 'intruder')).toBe(false);
    tick = await waitGuestReads(lab().B, GUEST, l.payloadSha256, tick);
  });

  test('shutdown on B, then vdi_deactivate and vdi_detach there: the LV inactive on both, no host_ key left', async () => {
    const { A, B } = lab();
    expect((await B.run(`xl shutdown -w ${GUEST}`, { timeoutMs: 120_000 })).code).toBe(0);
    await waitDomainGone(B, GUEST);
    await waitLvClosed(B, disk1.uuid);
    expect(outcomes(await vmShutdown(pool(), vm1))).toEqual(['B vdi_deactivate ok', 'B vdi_detach ok', 'B vdi_epoch_end ok']);
    expect({ A: await lvAttrOf(A, disk1.uuid), B: await lvAttrOf(B, disk1.uuid) }).toEqual({ A: '-wi-------', B: '-wi-------' });
    expect(smConfig(disk1)).toEqual({ vdi_type: 'aio' });
  });
});
