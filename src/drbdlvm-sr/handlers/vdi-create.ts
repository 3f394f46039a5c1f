// vdi_create (master only): one thick LV `LV-<uuid>`, created inactive and not zeroed (as stock
// LVMSR: a thick LV of the SR may show a deleted VDI's old blocks to the new one; zeroing a 100 GiB
// LV through DRBD costs minutes of replication traffic), then the VDI record, which the driver
// writes itself (docs/smapi.md §7). If xapi refuses the record, the LV goes again.
import { randomUUID } from 'node:crypto';
import type { HandlerContext } from '../context';
import { srError } from '../errors';
import { decideMetadataChange } from '../guard-rails';
import { lvmArgv } from '../../lvm/argv';
import { lvName, parseSize, parseUuid, vgName } from '../layout';
import { planVdiCreate } from '../lvm-plan';
import type { SmRequest } from '../request';
import type { XmlRpcStruct } from '../xmlrpc-value';
import { RAW_SM_CONFIG, hostLabel, observeDrbd, requireHealth, requireVg, runPlan, srCall } from './common';

export async function vdiCreate(req: SmRequest, ctx: HandlerContext): Promise<XmlRpcStruct> {
  const c = srCall(req);
  // args = [size, name_label, name_description, metadata_of_pool, is_a_snapshot, snapshot_time, snapshot_of, read_only]
  const [sizeArg = '', nameLabel = '', nameDescription = '', , , , , readOnly = 'false'] = req.args;
  const size = parseSize(sizeArg, 'virtual size');
  const requested = req.vdiSmConfig?.type;
  if (requested !== undefined && requested !== 'raw')
    throw srError('VDIType', `drbdlvm VDIs are raw LVs; sm-config:type=${requested} is not supported`);
  // xapi dictates the uuid for some VDIs (CP-46179); otherwise the driver picks it.
  const vdiUuid = req.vdiUuid === undefined ? parseUuid(randomUUID(), 'new VDI uuid') : parseUuid(req.vdiUuid, 'vdi_uuid');

  const ports = ctx.ports();
  const xapi = ctx.xapi(req);
  const host = await hostLabel(xapi, c.host);
  const { device, state } = await observeDrbd(ports, c.cfg, async () => host);
  requireHealth(decideMetadataChange(c.cfg.srMaster, state));
  const vg = await requireVg(ports, c.srUuid, device, host);
  await runPlan(ports, planVdiCreate(c.srUuid, vdiUuid, size, vg, await ports.lvm.lvs(vg.name)), 'LVMCreate', host);
  try {
    await xapi.dbIntroduce(c.srRef, {
      uuid: vdiUuid,
      nameLabel,
      nameDescription,
      type: req.vdiType ?? 'user',
      readOnly: readOnly === 'true',
      location: vdiUuid,
      smConfig: RAW_SM_CONFIG,
      virtualSize: size,
      physicalUtilisation: size,
    });
  } catch (e) {
    await runPlan(ports, [lvmArgv.lvremove({ vg: vgName(c.srUuid), lv: lvName(vdiUuid) })], 'LVMDelete', host).catch((u: unknown) => {
      ports.log.log('err', `vdi_create ${vdiUuid}: xapi refused the record and the LV could not be removed: ${String(u)}`);
    });
    throw e;
  }
  return { uuid: vdiUuid, location: vdiUuid };
}
