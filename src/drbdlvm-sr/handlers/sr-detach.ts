// sr_detach (PBD.unplug; xapi refuses it while a VDI is active through the PBD): every LV of the SR
// down on this host, then this host Secondary, so a detached host cannot write. Idempotent: a host
// where the resource or the VG is already gone has nothing to undo.
import type { HandlerContext } from '../context';
import { SrError } from '../errors';
import { vgName } from '../layout';
import { planSrDetach } from '../lvm-plan';
import type { SmRequest } from '../request';
import { ensureSecondary, hostLabel, observeDrbd, runPlan, srCall, type Observed } from './common';

export async function srDetach(req: SmRequest, ctx: HandlerContext): Promise<null> {
  const c = srCall(req);
  const ports = ctx.ports();
  const host = await hostLabel(ctx.xapi(req), c.host);
  let seen: Observed;
  try {
    seen = await observeDrbd(ports, c.cfg, async () => host);
  } catch (e) {
    if (e instanceof SrError && e.errorName === 'DrbdResourceMissing') return null;
    throw e;
  }
  if (await ports.lvm.vg(vgName(c.srUuid))) await runPlan(ports, planSrDetach(c.srUuid), 'LVMUnMount', host);
  await ensureSecondary(ports, seen, host);
  return null;
}
