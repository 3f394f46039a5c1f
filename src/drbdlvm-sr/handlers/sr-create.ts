// sr_create (xe sr-create, on the pool master, SRmaster=true): the DRBD device becomes the SR's PV
// and VG `VG_XenStorage-<sr_uuid>` with an MGT volume. It writes LVM metadata, so both copies must be
// in sync first. xapi then runs sr_attach on every host with a PBD (docs/smapi.md §9).
import type { HandlerContext } from '../context';
import { decideMetadataChange } from '../guard-rails';
import { planSrCreate } from '../lvm-plan';
import type { SmRequest } from '../request';
import { ensurePrimary, hostLabel, observeDrbd, requireHealth, runPlan, srCall } from './common';

export async function srCreate(req: SmRequest, ctx: HandlerContext): Promise<null> {
  const c = srCall(req);
  const ports = ctx.ports();
  const xapi = ctx.xapi(req);
  const host = await hostLabel(xapi, c.host);
  const seen = await observeDrbd(ports, c.cfg, async () => host);
  const { device, state } = seen;
  requireHealth(decideMetadataChange(c.cfg.srMaster, state));
  // A Secondary DRBD device cannot be opened, not even by pvs: promote before looking.
  await ensurePrimary(ports, seen, host);
  const plan = planSrCreate(c.srUuid, device.path, await ports.lvm.pv(device.path));
  await runPlan(ports, plan, 'LVMCreate', host);
  ports.log.log('info', `sr_create ${c.srUuid}: ${device.path} holds the new SR`);
  return null;
}
