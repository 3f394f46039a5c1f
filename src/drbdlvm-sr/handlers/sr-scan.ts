// sr_scan (master only; xe sr-scan and xapi's auto-scan): make xapi's VDI list match the SR's LVs,
// and refresh sizes. It FAILS when the device or the VG is not really there: an empty scan would
// make xapi forget every VDI (docs/smapi.md §14, xcp-ng/xcp#411). A VDI xapi knows but LVM lacks
// is forgotten only when no host has it active.
import type { HandlerContext } from '../context';
import { localHealth } from '../drbd-health';
import { srError } from '../errors';
import { activationsOf } from '../guard-rails';
import { lvName, vgName } from '../layout';
import { scanDiff, scanVg } from '../lvm-plan';
import type { SmRequest } from '../request';
import { RAW_SM_CONFIG, hostLabel, observeDrbd, requireHealth, srCall } from './common';

export async function srScan(req: SmRequest, ctx: HandlerContext): Promise<null> {
  const c = srCall(req);
  if (!c.cfg.srMaster) throw srError('LVMMaster', 'sr_scan runs on the SR master (the pool master)');
  const ports = ctx.ports();
  const xapi = ctx.xapi(req);
  const host = await hostLabel(xapi, c.host);
  const { state } = await observeDrbd(ports, c.cfg, async () => host);
  // A copy that is not UpToDate may hold old LVM metadata: scanning it would forget new VDIs.
  requireHealth(localHealth(state));
  const vg = await ports.lvm.vg(vgName(c.srUuid));
  const scan = scanVg(c.srUuid, vg, vg === undefined ? [] : await ports.lvm.lvs(vg.name));

  const known = await xapi.srVdis(c.srRef);
  const diff = scanDiff(scan.vdis, known);
  for (const { uuid, size } of scan.vdis.filter((v) => diff.introduce.includes(v.uuid))) {
    // The names live in xapi only (no MGT records yet): a rediscovered VDI is named after its LV.
    await xapi.dbIntroduce(c.srRef, {
      uuid,
      nameLabel: lvName(uuid),
      nameDescription: 'found by sr-scan',
      type: 'user',
      readOnly: false,
      location: uuid,
      smConfig: RAW_SM_CONFIG,
      virtualSize: size,
      physicalUtilisation: size,
    });
  }
  for (const ref of diff.forget) {
    const vdi = known.find((k) => k.ref === ref);
    const active = vdi === undefined ? [] : activationsOf(vdi.smConfig);
    if (active.length > 0) {
      ports.log.log(
        'warning',
        `sr_scan ${c.srUuid}: VDI ${vdi?.uuid} has no LV but is active on ${active.map((a) => a.host).join(', ')}; not forgotten`,
      );
      continue;
    }
    await xapi.dbForget(ref);
  }
  for (const k of known) {
    const found = scan.vdis.find((v) => v.uuid === k.uuid);
    if (found !== undefined) await xapi.setVdiSizes(k.ref, { virtualSize: found.size, physicalUtilisation: found.size });
  }
  await xapi.setSrSizes(c.srRef, scan);
  ports.log.log(
    'info',
    `sr_scan ${c.srUuid}: ${scan.vdis.length} VDIs, ${diff.introduce.length} introduced, ${diff.forget.length} missing`,
  );
  return null;
}
