// vdi_resize (master only, VDI not attached: VDI_RESIZE_ONLINE is not declared): grow the LV; the
// host that next activates it reloads its table (planVdiActivate's refresh). LVM metadata change:
// both copies in sync first.
import type { HandlerContext } from '../context';
import { decideMetadataChange } from '../guard-rails';
import { parseSize } from '../layout';
import { planVdiResize } from '../lvm-plan';
import type { SmRequest } from '../request';
import type { XmlRpcStruct } from '../xmlrpc-value';
import { hostLabel, observeDrbd, requireHealth, requireVg, runPlan, vdiCall } from './common';

export async function vdiResize(req: SmRequest, ctx: HandlerContext): Promise<XmlRpcStruct> {
  const v = vdiCall(req);
  const size = parseSize(req.args[0] ?? '', 'new size');
  const ports = ctx.ports();
  const xapi = ctx.xapi(req);
  const host = await hostLabel(xapi, v.host);
  const { device, state } = await observeDrbd(ports, v.cfg, async () => host);
  requireHealth(decideMetadataChange(v.cfg.srMaster, state));
  const vg = await requireVg(ports, v.srUuid, device, host);
  await runPlan(ports, planVdiResize(v.srUuid, v.vdiUuid, size, vg, await ports.lvm.lvs(vg.name)), 'LVMResize', host);
  await xapi.setVdiSizes(v.vdiRef, { virtualSize: size, physicalUtilisation: size });
  return { uuid: v.vdiUuid, location: v.vdiUuid };
}
