// sr_delete (xe sr-destroy, on the master after a temporary sr_attach): the VG goes, only when it
// holds no VDI. LVM metadata change: master only, both copies in sync. A VG already gone is success.
// xapi sends no sr_detach after a delete that worked, so the delete itself takes back the temporary
// attach's promotion; a demotion that fails then is logged, not raised (the SR is gone either way).
import type { HandlerContext } from '../context';
import { SrError } from '../errors';
import { decideMetadataChange } from '../guard-rails';
import { vgName } from '../layout';
import { planSrDelete } from '../lvm-plan';
import type { SmRequest } from '../request';
import { ensureSecondary, hostLabel, observeDrbd, requireHealth, runPlan, srCall } from './common';

export async function srDelete(req: SmRequest, ctx: HandlerContext): Promise<null> {
  const c = srCall(req);
  const ports = ctx.ports();
  const host = await hostLabel(ctx.xapi(req), c.host);
  const seen = await observeDrbd(ports, c.cfg, async () => host);
  const { state } = seen;
  requireHealth(decideMetadataChange(c.cfg.srMaster, state));
  const vg = await ports.lvm.vg(vgName(c.srUuid));
  if (vg !== undefined) await runPlan(ports, planSrDelete(c.srUuid, await ports.lvm.lvs(vg.name)), 'LVMDelete', host);
  try {
    await ensureSecondary(ports, seen, host);
  } catch (e) {
    if (!(e instanceof SrError)) throw e;
    ports.log.log('err', `sr_delete: ${vgName(c.srUuid)} removed, but ${state.name} is LEFT PRIMARY: ${e.message}`);
  }
  return null;
}
