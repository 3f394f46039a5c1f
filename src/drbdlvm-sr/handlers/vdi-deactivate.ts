// vdi_deactivate (VM shutdown, suspend, the source side of XenMotion before the destination
// activates): backend stopped, LV down, then this host's `host_<ref>` key removed, in that order: if
// the driver dies midway the key stays, and the other host stays refused (the safe side) until this
// host deactivates again or its sr_attach (boot) clears it. Idempotent.
import type { HandlerContext } from '../context';
import { hostKey } from '../guard-rails';
import { lvName, lvPath, vgName } from '../layout';
import { planVdiDeactivate } from '../lvm-plan';
import type { SmRequest } from '../request';
import { hostLabel, runPlan, vdiCall } from './common';

export async function vdiDeactivate(req: SmRequest, ctx: HandlerContext): Promise<null> {
  const v = vdiCall(req);
  const ports = ctx.ports();
  const xapi = ctx.xapi(req);
  await ports.backend(v.cfg.backend).close(v.srUuid, v.vdiUuid, lvPath(v.srUuid, v.vdiUuid));
  const vg = await ports.lvm.vg(vgName(v.srUuid));
  const lv = vg === undefined ? undefined : (await ports.lvm.lvs(vg.name)).find((l) => l.name === lvName(v.vdiUuid));
  if (lv?.active === true) await runPlan(ports, planVdiDeactivate(v.srUuid, v.vdiUuid), 'LVMUnMount', await hostLabel(xapi, v.host));
  // Read first: stock sm's blktap2 does too, rather than rely on how xapi treats an absent key.
  const key = hostKey(v.host);
  if ((await xapi.vdiSmConfig(v.vdiRef))[key] !== undefined) await xapi.removeFromVdiSmConfig(v.vdiRef, key);
  return null;
}
