// vdi_attach (every VBD plug and dom0 attach, on the host that will use the disk): checks that the
// VDI is there and this host's copy is usable, and answers where the disk will appear. The LV and
// the backend start in vdi_activate, where the single-host rule is decided (docs/smapi.md §11).
// A host whose PBD is plugged but whose resource is Secondary (the side that discarded its data in
// the split-brain recovery, or an admin's `drbdadm secondary`) joins again as sr_attach joins:
// DRBD 8.4 opens nothing on a Secondary, so its LVM sees no VG (lab scenario 18 found this as 5108).
import { attachResult } from '../attach-result';
import type { HandlerContext } from '../context';
import { attachHealth, localHealth } from '../drbd-health';
import { srError } from '../errors';
import { lvName } from '../layout';
import type { SmRequest } from '../request';
import type { XmlRpcStruct } from '../xmlrpc-value';
import { ensurePrimary, hostLabel, observeDrbd, requireHealth, requireVg, vdiCall } from './common';

export async function vdiAttach(req: SmRequest, ctx: HandlerContext): Promise<XmlRpcStruct> {
  const v = vdiCall(req);
  const ports = ctx.ports();
  const host = await hostLabel(ctx.xapi(req), v.host);
  const seen = await observeDrbd(ports, v.cfg, async () => host);
  const { device, state } = seen;
  requireHealth(localHealth(state));
  if (state.role !== 'Primary') {
    requireHealth(attachHealth(state));
    await ensurePrimary(ports, seen, host);
  }
  const vg = await requireVg(ports, v.srUuid, device, host);
  if (!(await ports.lvm.lvs(vg.name)).some((l) => l.name === lvName(v.vdiUuid))) {
    throw srError('VDIMissing', `${vg.name}/${lvName(v.vdiUuid)} does not exist on host ${host}; 'xe sr-scan' reconciles xapi with the SR`);
  }
  return attachResult({ params: ports.backend(v.cfg.backend).params(v.srUuid, v.vdiUuid), srUuid: v.srUuid, vdiUuid: v.vdiUuid });
}
