// vdi_detach: xapi deactivates first (VDI_DEACTIVATE is declared), so normally nothing is left. What
// an activation killed midway left behind on this host (a backend, an active LV) is undone here.
import type { HandlerContext } from '../context';
import { lvName, lvPath, vgName } from '../layout';
import { planVdiDeactivate } from '../lvm-plan';
import type { SmRequest } from '../request';
import { hostLabel, runPlan, vdiCall } from './common';

export async function vdiDetach(req: SmRequest, ctx: HandlerContext): Promise<null> {
  const v = vdiCall(req);
  const ports = ctx.ports();
  const vg = await ports.lvm.vg(vgName(v.srUuid));
  if (vg === undefined) return null;
  const lv = (await ports.lvm.lvs(vg.name)).find((l) => l.name === lvName(v.vdiUuid));
  if (lv === undefined || !lv.active) return null;
  await ports.backend(v.cfg.backend).close(v.srUuid, v.vdiUuid, lvPath(v.srUuid, v.vdiUuid));
  await runPlan(ports, planVdiDeactivate(v.srUuid, v.vdiUuid), 'LVMUnMount', await hostLabel(ctx.xapi(req), v.host));
  return null;
}
