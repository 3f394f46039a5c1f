// vdi_delete (master only): refused while any host has the VDI active; the LV goes, then the record.
// An LV already gone is success (a retry after a crash between the two).
import type { HandlerContext } from '../context';
import { srError } from '../errors';
import { activationsOf, decideMetadataChange } from '../guard-rails';
import { planVdiDelete } from '../lvm-plan';
import type { SmRequest } from '../request';
import { hostLabel, observeDrbd, requireHealth, requireVg, runPlan, vdiCall } from './common';

export async function vdiDelete(req: SmRequest, ctx: HandlerContext): Promise<null> {
  const v = vdiCall(req);
  const ports = ctx.ports();
  const xapi = ctx.xapi(req);
  const host = await hostLabel(xapi, v.host);
  const { device, state } = await observeDrbd(ports, v.cfg, async () => host);
  requireHealth(decideMetadataChange(v.cfg.srMaster, state));
  const record = (await xapi.srVdis(v.srRef)).find((x) => x.ref === v.vdiRef);
  const active = record === undefined ? [] : activationsOf(record.smConfig);
  if (active[0] !== undefined) {
    throw srError(
      'VDIInUse',
      `VDI ${v.vdiUuid} is active ${active[0].mode} on host ${await hostLabel(xapi, active[0].host)}; shut its VM down first`,
    );
  }
  const vg = await requireVg(ports, v.srUuid, device, host);
  await runPlan(ports, planVdiDelete(v.srUuid, v.vdiUuid, await ports.lvm.lvs(vg.name)), 'LVMDelete', host);
  await xapi.dbForget(v.vdiRef);
  return null;
}
