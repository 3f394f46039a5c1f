// The XAPI SR driver drbdlvm (dist/DrbdlvmSR) on real DRBD (8.4, or 9 with the lab's DRBD 9 module)
// and real LVM in both dom0s, driven in xapi's call orders by test/support/sr-sequencer.ts against
// the XenAPI simulator in the runner (test/lab/lib/sr-lab.ts). r0 allows two primaries (the SR is
// attached on both hosts); each dom0's LVM sees only /dev/drbd0, not the loop device under it. A is
// the pool master. Steps build on each other: SR, a VDI used by a VM on B, a second VM refused on A,
// XenMotion B → A, shutdown, destroy. No domU: a VM's disk is its LV, written and read with dd in dom0.
import { stepLog, type ScenarioOptions } from '../lib/scenario';
import { role } from '../lib/drbd';
import { SR_RESOURCE, SR_VG, lvs, sha256Of, startRefusedOnA, useSrLab } from '../lib/sr-lab';
import type { Host } from '../lib/lab';
import { xenDrbdStatus } from '../lib/xen-drbd-status';
import { HOST_REF, SR_REF, outcome, outcomes, type Vdi } from '../../support/sr-pool';
import { addVm, srCreate, vdiCreate, vmMigrate, vmShutdown, vmStart } from '../../support/sr-sequencer';

const MiB = 1024 * 1024;

/** The LV's state letter (5th lv_attr character): 'a' active, '-' inactive. */
async function lvState(h: Host, lv: string): Promise<string> {
  const attr = (await lvs(h))[lv]?.attr;
  if (attr === undefined) throw new Error(`host ${h.name}: no LV ${lv} in ${SR_VG}`);
  return attr[4]!;
}

/** The scenario on the DRBD version `options` asks for (8.4 by default, or 9). */
export function drbdlvmSrScenario(NAME: string, options: Pick<ScenarioOptions, 'drbd'> = {}): void {
  // 160 MiB: the 4 MiB MGT, a 64 MiB and a 32 MiB VDI, with room to spare.
  const { pool, lab } = useSrLab(NAME, options);

  let vdi1: Vdi;
  let vm1: string;
  let pattern: string;

  describe(`drbdlvm on real DRBD ${options.drbd ?? 8.4} and LVM, two hosts`, () => {
    test('sr_create on A, sr_attach on both: Primary on both, the VG and an inactive MGT on both', async () => {
      const { A, B, note } = lab();
      expect(outcomes(await srCreate(pool()))).toEqual(['A sr_create ok', 'A sr_attach ok', 'B sr_attach ok', 'A sr_update ok']);
      const roles = { A: await role(A, 'r0'), B: await role(B, 'r0') };
      note('roles after sr_attach', JSON.stringify(roles));
      expect(roles).toEqual({ A: 'Primary/Primary', B: 'Primary/Primary' });
      for (const h of [A, B]) {
        expect({ host: h.name, pvs: (await h.sh('pvs --noheadings -o pv_name,vg_name')).trim().split(/\s+/) }).toEqual({
          host: h.name,
          pvs: ['/dev/drbd0', SR_VG],
        });
        expect({ host: h.name, lvs: await lvs(h) }).toEqual({ host: h.name, lvs: { MGT: { attr: '-wi-------', bytes: 4 * MiB } } });
      }
      const vgSize = (await A.sh(`vgs --noheadings --units b --nosuffix -o vg_size ${SR_VG}`)).trim();
      stepLog(NAME, `roles ${JSON.stringify(roles)}; VG ${SR_VG} ${vgSize} B; MGT -wi------- on both`);
      expect(pool().sim.db.SR[SR_REF]?.physical_size).toBe(vgSize);
      // Primary on both hosts with no VM is how the SR works: xen-drbd status must not call it unsafe.
      for (const h of [A, B]) {
        const status = await xenDrbdStatus(h);
        expect({
          host: h.name,
          exit: status.exit,
          findings: status.findings,
          sr: status.resources.find((r) => r.name === SR_RESOURCE.name)?.srVolumeGroup,
        }).toEqual({
          host: h.name,
          exit: 0,
          findings: [],
          sr: SR_VG,
        });
      }
    });

    test('vdi_create 64 MiB on A: the LV shows on B, inactive, without a refresh', async () => {
      const { A, B } = lab();
      const { step, vdi } = await vdiCreate(pool(), 64n * BigInt(MiB), 'disk1');
      expect(outcome(step)).toBe('ok');
      vdi1 = vdi as Vdi;
      expect(pool().sim.db.VDI[vdi1.ref]?.virtual_size).toBe(String(64 * MiB));
      for (const h of [A, B])
        expect({ host: h.name, lv: (await lvs(h))[`LV-${vdi1.uuid}`] }).toEqual({
          host: h.name,
          lv: { attr: '-wi-------', bytes: 64 * MiB },
        });
    });

    test('VM start on B: the LV is active on B only, sm-config host_<B>=RW; a 4 MiB pattern written there', async () => {
      const { B, A, note } = lab();
      vm1 = addVm(pool(), vdi1);
      expect(outcomes(await vmStart(pool(), vm1, 'B'))).toEqual(['B vdi_epoch_begin ok', 'B vdi_attach ok', 'B vdi_activate ok']);
      const lvPath = `/dev/${SR_VG}/LV-${vdi1.uuid}`;
      const attach = pool().steps.find((s) => s.command === 'vdi_attach' && s.host === 'B');
      expect(attach?.response).toEqual({ kind: 'result', value: expect.objectContaining({ params: lvPath, params_nbd: '' }) });
      expect({ A: await lvState(A, `LV-${vdi1.uuid}`), B: await lvState(B, `LV-${vdi1.uuid}`) }).toEqual({ A: '-', B: 'a' });
      expect(pool().sim.db.VDI[vdi1.ref]?.sm_config).toEqual({ vdi_type: 'aio', [`host_${HOST_REF.B}`]: 'RW' });
      pattern = (
        await B.sh(
          `dd if=/dev/urandom of=/tmp/pattern bs=1M count=4 status=none && dd if=/tmp/pattern of=${lvPath} bs=1M oflag=direct conv=fsync status=none && sha256sum /tmp/pattern`,
        )
      ).split(' ')[0]!;
      expect(await sha256Of(B, lvPath, 4 * MiB)).toBe(pattern);
      note('pattern sha256', pattern);
    });

    test("another VM's start on A is refused with 5106 naming host B; its LV stays inactive on A", async () => {
      const { A, note } = lab();
      const { vdi: vdi2, why } = await startRefusedOnA(pool(), 32n * BigInt(MiB), vdi1);
      note('5106', why);
      stepLog(NAME, `refused on A: ${why}`);
      expect(await lvState(A, `LV-${vdi2.uuid}`)).toBe('-');
      expect(pool().sim.db.VDI[vdi2.ref]?.sm_config).toEqual({ vdi_type: 'aio' });
    });

    test('XenMotion B → A: the LV moves, A reads the pattern B wrote', async () => {
      const { A, B, note } = lab();
      expect(outcomes(await vmMigrate(pool(), vm1, 'A'))).toEqual([
        'B vdi_deactivate ok',
        'A vdi_attach ok',
        'A vdi_activate ok',
        'B vdi_detach ok',
      ]);
      expect({ A: await lvState(A, `LV-${vdi1.uuid}`), B: await lvState(B, `LV-${vdi1.uuid}`) }).toEqual({ A: 'a', B: '-' });
      expect(pool().sim.db.VDI[vdi1.ref]?.sm_config).toEqual({ vdi_type: 'aio', [`host_${HOST_REF.A}`]: 'RW' });
      const onA = await sha256Of(A, `/dev/${SR_VG}/LV-${vdi1.uuid}`, 4 * MiB);
      note('sha256 read on A', onA);
      expect(onA).toBe(pattern);
    });

    test('VM shutdown on A: the LV inactive on both, no host_ key left', async () => {
      const { A, B } = lab();
      expect(outcomes(await vmShutdown(pool(), vm1))).toEqual(['A vdi_deactivate ok', 'A vdi_detach ok', 'A vdi_epoch_end ok']);
      expect({ A: await lvState(A, `LV-${vdi1.uuid}`), B: await lvState(B, `LV-${vdi1.uuid}`) }).toEqual({ A: '-', B: '-' });
      expect(pool().sim.db.VDI[vdi1.ref]?.sm_config).toEqual({ vdi_type: 'aio' });
    });

    test('sr_delete with VDIs is refused (39); after vdi_delete and sr_detach on both: Secondary; then the VG is gone and A is Secondary again', async () => {
      const { A, B, note } = lab();
      expect(outcome(await pool().call('A', 'sr_delete'))).toBe('39');
      for (const [ref, v] of Object.entries(pool().sim.db.VDI))
        expect(outcome(await pool().call('A', 'vdi_delete', { vdi: { ref, uuid: v.uuid } }))).toBe('ok');
      expect(outcomes([await pool().call('B', 'sr_detach'), await pool().call('A', 'sr_detach')])).toEqual([
        'B sr_detach ok',
        'A sr_detach ok',
      ]);
      const roles = { A: await role(A, 'r0'), B: await role(B, 'r0') };
      note('roles after sr_detach', JSON.stringify(roles));
      expect(roles).toEqual({ A: 'Secondary/Secondary', B: 'Secondary/Secondary' });
      // xapi's destroy: a temporary attach on the master, then sr_delete.
      expect(outcomes([await pool().call('A', 'sr_attach'), await pool().call('A', 'sr_delete')])).toEqual([
        'A sr_attach ok',
        'A sr_delete ok',
      ]);
      // xapi sends no sr_detach after a delete that worked: the delete takes back the temporary attach's promotion.
      const after = { A: await role(A, 'r0'), B: await role(B, 'r0') };
      note('roles after sr_delete', JSON.stringify(after));
      expect(after).toEqual({ A: 'Secondary/Secondary', B: 'Secondary/Secondary' });
      // The VG is gone (read with the device Primary again: 8.4 refuses opens of a Secondary); the PV stays.
      await A.sh('drbdadm primary r0');
      expect((await A.sh('pvs --noheadings -o pv_name,vg_name')).trim().split(/\s+/)).toEqual(['/dev/drbd0']);
      await A.sh('drbdadm secondary r0');
    });
  });
}
