// The drbdlvm SR driver's failure handling on real DRBD 8.4 and LVM (the set-up of scenario 17:
// r0 allow-two-primaries, the SR attached on both hosts, A the pool master, the XenAPI simulator in
// the runner). Each case asserts the exact fault code and that nothing changed or was lost: LV
// states, xapi's marks, DRBD roles and links, the data. Steps build on each other:
//   a PBD plugged on a host without the resource (5100); vdi_resize on real LVM; an LV held open at
//   vdi_deactivate (53); a driver SIGKILLed holding the activation lock (5107 elsewhere, the retry
//   takes it over); the replication link cut (metadata change and XenMotion split refused, 5101);
//   the link back: split-brain, StandAlone (5103, nothing resolved by the driver), the manual
//   recovery the 5103 text gives, then XenMotion works (B, left Secondary by the recovery, is
//   promoted by its vdi_attach) and B reads what A wrote.
// No domU: a VM's disk is its LV, written and read with dd in dom0.
import { LOCK_KEY } from '../../../src/drbdlvm-sr/activation-lock-entry';
import { replicationNic, waitUpToDate } from '../lib/drbd';
import { stepLog } from '../lib/scenario';
import { SR_VG, lvs, sha256Of, startDriverCall, useSrLab } from '../lib/sr-lab';
import type { Host } from '../lib/lab';
import { expectStandAloneReported } from '../lib/xen-drbd-status';
import { HOST_REF, SR_REF, faultText, outcome, outcomes, type Vdi } from '../../support/sr-pool';
import { addVm, srCreate, vdiCreate, vmMigrate } from '../../support/sr-sequencer';

const NAME = 'drbdlvm-sr-failures';
const MiB = 1024 * 1024;

// 160 MiB: the 4 MiB MGT, disk1 32 MiB grown to 48 MiB, disk2 16 MiB, room for more.
const { pool, lab } = useSrLab(NAME);

/** lv_attr of one LV: [4] 'a' active / '-' inactive, [5] 'o' open. */
async function lvAttr(h: Host, vdi: Vdi): Promise<string> {
  const attr = (await lvs(h))[`LV-${vdi.uuid}`]?.attr;
  if (attr === undefined) throw new Error(`host ${h.name}: no LV-${vdi.uuid} in ${SR_VG}`);
  return attr;
}

async function lvState(h: Host, vdi: Vdi): Promise<string> {
  return (await lvAttr(h, vdi))[4]!;
}

const lvPath = (vdi: Vdi): string => `/dev/${SR_VG}/LV-${vdi.uuid}`;

async function drbd(h: Host): Promise<{ role: string; cstate: string; dstate: string }> {
  const [role, cstate, dstate] = (await h.sh('drbdadm role r0; drbdadm cstate r0; drbdadm dstate r0')).trim().split('\n');
  return { role: role!, cstate: cstate!, dstate: dstate! };
}

const smConfig = (vdi: Vdi) => pool().sim.db.VDI[vdi.ref]?.sm_config;
const srSmConfig = () => pool().sim.db.SR[SR_REF]?.sm_config;

let disk1: Vdi;
let disk2: Vdi;
let vm1: string;
let pattern: string;
/** The replication NIC of host B (carries 10.99.0.0/24). */
let replNic: string;
/** The 5103 fault text: its recovery steps are run verbatim. */
let standAloneText: string;

describe('drbdlvm failure handling on real DRBD 8.4 and LVM', () => {
  beforeAll(async () => {
    const { B } = lab();
    expect(outcomes(await srCreate(pool()))).toEqual(['A sr_create ok', 'A sr_attach ok', 'B sr_attach ok', 'A sr_update ok']);
    const created = [await vdiCreate(pool(), 32n * BigInt(MiB), 'disk1'), await vdiCreate(pool(), 16n * BigInt(MiB), 'disk2')];
    expect(created.map((c) => outcome(c.step))).toEqual(['ok', 'ok']);
    [disk1, disk2] = created.map((c) => c.vdi as Vdi) as [Vdi, Vdi];
    vm1 = addVm(pool(), disk1);
    addVm(pool(), disk2);
    replNic = await replicationNic(B);
  }, 180_000);

  test('sr_attach on a host without the DRBD resource (device-config:resource=r7 on B) fails 5100 naming the host; nothing changes', async () => {
    const { B, note } = lab();
    const before = await drbd(B);
    const step = await pool().call('B', 'sr_attach', {
      extra: { device_config: { SRmaster: 'false', resource: 'r7', backend: 'blkback' } },
    });
    note('5100', faultText(step));
    expect(outcome(step)).toBe('5100');
    expect(faultText(step)).toMatch(/host bravo: .*r7.*leave it unplugged/);
    expect(await drbd(B)).toEqual(before);
    expect(before).toEqual({ role: 'Primary/Primary', cstate: 'Connected', dstate: 'UpToDate/UpToDate' });
  });

  test('vdi_resize 32 → 48 MiB on the master: lvs shows 48 MiB on both hosts, xapi the same, the first 4 MiB intact', async () => {
    const { A, B, note } = lab();
    expect(outcome(await pool().call('A', 'vdi_activate', { vdi: disk1, args: ['true'] }))).toBe('ok');
    pattern = (
      await A.sh(
        `dd if=/dev/urandom of=/tmp/pattern bs=1M count=4 status=none && dd if=/tmp/pattern of=${lvPath(disk1)} bs=1M oflag=direct conv=fsync status=none && sha256sum /tmp/pattern`,
      )
    ).split(' ')[0]!;
    note('pattern sha256', pattern);
    expect(outcome(await pool().call('A', 'vdi_deactivate', { vdi: disk1 }))).toBe('ok');
    const resize = await pool().call('A', 'vdi_resize', { vdi: disk1, args: [String(48 * MiB)] });
    expect(resize.response).toEqual({ kind: 'result', value: { uuid: disk1.uuid, location: disk1.uuid } });
    for (const h of [A, B])
      expect({ host: h.name, lv: (await lvs(h))[`LV-${disk1.uuid}`] }).toEqual({
        host: h.name,
        lv: { attr: '-wi-------', bytes: 48 * MiB },
      });
    expect(pool().sim.db.VDI[disk1.ref]).toMatchObject({ virtual_size: String(48 * MiB), physical_utilisation: String(48 * MiB) });
    expect(outcome(await pool().call('A', 'vdi_activate', { vdi: disk1, args: ['true'] }))).toBe('ok');
    expect(Number((await A.sh(`blockdev --getsize64 ${lvPath(disk1)}`)).trim())).toBe(48 * MiB);
    expect(await sha256Of(A, lvPath(disk1), 4 * MiB)).toBe(pattern);
    stepLog(NAME, `resized to ${48 * MiB} B; pattern intact`);
  });

  test("vdi_deactivate while the LV is held open in dom0 fails 53 with lvm's words; LV and mark stay; once closed it deactivates", async () => {
    const { A, note } = lab();
    // setsid execs in place (a background job is no group leader): $! is the holder's pid.
    const holder = (await A.sh(`setsid sleep 600 < ${lvPath(disk1)} > /dev/null 2>&1 & echo $!`)).trim();
    await A.waitFor(`lvs --noheadings -o lv_attr ${SR_VG}/LV-${disk1.uuid}`, (r) => r.stdout.trim()[5] === 'o', 30_000, 'the LV open');
    const step = await pool().call('A', 'vdi_deactivate', { vdi: disk1 });
    note('53', faultText(step));
    expect(outcome(step)).toBe('53');
    expect(faultText(step)).toMatch(/^Logical Volume unmount\/deactivate error \[opterr=host alpha: .*in use/);
    expect(await lvAttr(A, disk1)).toBe('-wi-ao----');
    expect(smConfig(disk1)).toEqual({ vdi_type: 'aio', [`host_${HOST_REF.A}`]: 'RW' });
    await A.sh(`kill ${holder}`);
    await A.waitFor(
      `lvs --noheadings -o lv_attr ${SR_VG}/LV-${disk1.uuid}`,
      (r) => r.code === 0 && r.stdout.trim()[5] === '-',
      30_000,
      'the LV closed',
    );
    expect(outcome(await pool().call('A', 'vdi_deactivate', { vdi: disk1 }))).toBe('ok');
    expect(await lvState(A, disk1)).toBe('-');
    expect(smConfig(disk1)).toEqual({ vdi_type: 'aio' });
  });

  test('a driver SIGKILLed holding the activation lock: B is refused 5107 naming A, the retry on A takes the lock over; nothing leaks', async () => {
    const { A, B, note } = lab();
    const held = pool().sim.hold('VM.get_current_operations');
    const { pid, done } = await startDriverCall(pool(), A, 'vdi_activate', { vdi: disk1, args: ['true'] });
    // The driver asks for the VM's operations only with the lock taken (vdi-activate.ts).
    await Promise.race([
      held.reached,
      done.then((r) => Promise.reject(new Error(`the driver ended before VM.get_current_operations: ${JSON.stringify(r)}`))),
    ]);
    expect(srSmConfig()?.[LOCK_KEY]).toMatch(new RegExp(`^${HOST_REF.A}@`));
    await A.sh(`kill -KILL ${pid}`);
    const killed = await done;
    held.release();
    note('killed driver', `signal ${killed.signal}, code ${killed.code}`);
    expect(killed.signal ?? String(killed.code)).toMatch(/^(SIGKILL|137)$/);
    // The lock stays behind (the kill's leftover), nothing else changed.
    expect(srSmConfig()?.[LOCK_KEY]).toMatch(new RegExp(`^${HOST_REF.A}@`));
    expect(smConfig(disk1)).toEqual({ vdi_type: 'aio' });
    expect(await lvState(A, disk1)).toBe('-');

    const refused = await pool().call('B', 'vdi_activate', { vdi: disk2, args: ['true'] });
    note('5107', faultText(refused));
    expect(outcome(refused)).toBe('5107');
    expect(faultText(refused)).toMatch(
      /held by host alpha for \d+ s; retry when it finishes; if that host crashed, plugging its PBD again/,
    );
    expect(await lvState(B, disk2)).toBe('-');
    expect(smConfig(disk2)).toEqual({ vdi_type: 'aio' });

    // xapi's retry on A: the per-SR flock died with the process, the lock entry is taken over.
    expect(outcome(await pool().call('A', 'vdi_activate', { vdi: disk1, args: ['true'] }))).toBe('ok');
    expect(srSmConfig()).toEqual({});
    expect(smConfig(disk1)).toEqual({ vdi_type: 'aio', [`host_${HOST_REF.A}`]: 'RW' });
    expect(await lvState(A, disk1)).toBe('a');
    expect(await sha256Of(A, lvPath(disk1), 4 * MiB)).toBe(pattern);
    expect(await A.sh('cat /var/log/SMlog')).toMatch(/taking over this host's activation lock left by a killed driver process/);
    pool().sim.db.VM[vm1]!.resident_on = HOST_REF.A;
  });

  test("replication link cut (B's NIC down, both WFConnection): vdi_create refused 5101, a XenMotion split to B refused 5101 and rolled back on A", async () => {
    const { A, B, note } = lab();
    // A second VM of the SR on A: moving VM1 to B would make both hosts write.
    expect(outcome(await pool().call('A', 'vdi_activate', { vdi: disk2, args: ['true'] }))).toBe('ok');
    await B.sh(`ip link set dev ${replNic} down`);
    for (const h of [A, B])
      await h.waitFor('drbdadm cstate r0', (r) => r.stdout.trim() === 'WFConnection', 90_000, `r0 WFConnection on ${h.name}`);
    const before = { A: await lvs(A), B: await lvs(B) };

    const create = await vdiCreate(pool(), 8n * BigInt(MiB), 'disk3');
    note('5101 vdi_create', faultText(create.step));
    expect(outcome(create.step)).toBe('5101');
    expect(faultText(create.step)).toMatch(/'r0' is WFConnection, not Connected to its peer/);
    expect(Object.keys(pool().sim.db.VDI)).toHaveLength(2);

    const steps = await vmMigrate(pool(), vm1, 'B');
    expect(outcomes(steps)).toEqual([
      'A vdi_deactivate ok',
      'B vdi_attach ok',
      'B vdi_activate 5101',
      'B vdi_detach ok',
      'A vdi_activate ok',
    ]);
    note('5101 migration', faultText(steps[2]));
    stepLog(NAME, `link cut: ${faultText(steps[2])}`);
    expect({ A: await lvs(A), B: await lvs(B) }).toEqual(before);
    expect(smConfig(disk1)).toEqual({ vdi_type: 'aio', [`host_${HOST_REF.A}`]: 'RW' });
    expect(pool().sim.db.VM[vm1]?.resident_on).toBe(HOST_REF.A);
    expect(await sha256Of(A, lvPath(disk1), 4 * MiB)).toBe(pattern);
    expect({ A: await drbd(A), B: await drbd(B) }).toEqual({
      A: { role: 'Primary/Unknown', cstate: 'WFConnection', dstate: 'UpToDate/DUnknown' },
      B: { role: 'Primary/Unknown', cstate: 'WFConnection', dstate: 'UpToDate/DUnknown' },
    });
  });

  test('link back: split-brain, StandAlone on both; a VM start on A refused 5103 with the recovery, nothing resolved by the driver; xen-drbd status unsafe', async () => {
    const { A, B, note } = lab();
    await B.sh(`ip link set dev ${replNic} up`);
    // Both were Primary when the link went: each side started a new data generation.
    for (const h of [A, B])
      await h.waitFor(
        'drbdadm cstate r0',
        (r) => /^(StandAlone|Connected|SyncSource|SyncTarget)$/.test(r.stdout.trim()),
        90_000,
        `r0 settled on ${h.name}`,
      );
    const after = { A: await drbd(A), B: await drbd(B) };
    note('after the link came back', JSON.stringify(after));
    expect(after).toEqual({
      A: { role: 'Primary/Unknown', cstate: 'StandAlone', dstate: 'UpToDate/DUnknown' },
      B: { role: 'Primary/Unknown', cstate: 'StandAlone', dstate: 'UpToDate/DUnknown' },
    });
    expect((await A.sh('dmesg')) + (await B.sh('dmesg'))).toMatch(/Split-Brain detected but unresolved, dropping connection/);

    // VM2 shut down on A, then started again: refused while StandAlone.
    expect(outcome(await pool().call('A', 'vdi_deactivate', { vdi: disk2 }))).toBe('ok');
    const step = await pool().call('A', 'vdi_activate', { vdi: disk2, args: ['true'] });
    standAloneText = faultText(step);
    note('5103', standAloneText);
    expect(outcome(step)).toBe('5103');
    expect(faultText(step)).toMatch(
      /^DRBD is StandAlone .*replication of 'r0' has stopped \(StandAlone\).*'drbdadm connect --discard-my-data r0'/,
    );
    expect(await lvState(A, disk2)).toBe('-');
    expect(smConfig(disk2)).toEqual({ vdi_type: 'aio' });
    // The driver neither reconnected nor discarded anything: both sides exactly as before, VM1's data in place.
    expect({ A: await drbd(A), B: await drbd(B) }).toEqual(after);
    expect(await sha256Of(A, lvPath(disk1), 4 * MiB)).toBe(pattern);
    await expectStandAloneReported(A, note);
  });

  test("the 5103 text's recovery run verbatim (B discards its side) reconnects; then the start on A and the XenMotion to B work (B's vdi_attach promotes it), B reads what A wrote", async () => {
    const { lab: l, A, B, note } = lab();
    // B ran no VM of the SR: its side (a new data generation without writes) is the one to give up.
    const m = /on that host stop the VMs of the SR, then (.*?); on the other host '([^']+)'/.exec(standAloneText);
    const discard = [...(m?.[1] ?? '').matchAll(/'([^']+)'/g)].map((x) => x[1]!);
    note('recovery', JSON.stringify({ B: discard, A: m?.[2] }));
    expect({ B: discard, A: m?.[2] }).toEqual({
      B: ['drbdadm secondary r0', 'drbdadm connect --discard-my-data r0'],
      A: 'drbdadm connect r0',
    });
    await B.sh(discard.join(' && '));
    await A.sh(m![2]!);
    await waitUpToDate(l, 'r0');
    expect({ A: await drbd(A), B: await drbd(B) }).toEqual({
      A: { role: 'Primary/Secondary', cstate: 'Connected', dstate: 'UpToDate/UpToDate' },
      B: { role: 'Secondary/Primary', cstate: 'Connected', dstate: 'UpToDate/UpToDate' },
    });
    expect(outcome(await pool().call('A', 'vdi_activate', { vdi: disk2, args: ['true'] }))).toBe('ok');
    expect(outcomes(await vmMigrate(pool(), vm1, 'B'))).toEqual([
      'A vdi_deactivate ok',
      'B vdi_attach ok',
      'B vdi_activate ok',
      'A vdi_detach ok',
    ]);
    expect({ A: await lvState(A, disk1), B: await lvState(B, disk1) }).toEqual({ A: '-', B: 'a' });
    expect((await drbd(B)).role).toBe('Primary/Primary');
    const onB = await sha256Of(B, lvPath(disk1), 4 * MiB);
    note('sha256 read on B after the recovery', onB);
    expect(onB).toBe(pattern);
    expect(Number((await B.sh(`blockdev --getsize64 ${lvPath(disk1)}`)).trim())).toBe(48 * MiB);
  });
});
