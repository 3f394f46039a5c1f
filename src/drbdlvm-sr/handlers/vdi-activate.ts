// vdi_activate (VM start, resume, the destination of XenMotion, dom0 attaches): the guard rail.
// Under the pool-wide activation lock: read where the SR's VDIs are active and what the VDI's VMs
// are doing, decide (guard-rails.ts: one writing host, except a VM migrating here), and mark this
// host `host_<ref>=RW|RO` in the VDI's sm-config. Then, lock released: LV active and refreshed (the
// master may have resized it), backend open. If those fail the mark is taken back.
import type { HandlerContext } from '../context';
import { activationsOf, decideActivate, hostKey } from '../guard-rails';
import { srError } from '../errors';
import { lvPath } from '../layout';
import { planVdiActivate } from '../lvm-plan';
import type { SmRequest } from '../request';
import { claimActivationLock } from './claim-activation-lock';
import { ensurePrimary, hostLabel, observeDrbd, runPlan, vdiCall } from './common';

export async function vdiActivate(req: SmRequest, ctx: HandlerContext): Promise<null> {
  const v = vdiCall(req);
  const writable = req.args[0] === 'true';
  const mode = writable ? 'RW' : 'RO';
  const ports = ctx.ports();
  const xapi = ctx.xapi(req);
  const host = await hostLabel(xapi, v.host);
  const seen = await observeDrbd(ports, v.cfg, async () => host);
  const { state } = seen;
  const key = hostKey(v.host);

  const lock = await claimActivationLock(xapi, v.srRef, v.host, new Date(ports.clock.now()), ports.log);
  try {
    const srVdis = await xapi.srVdis(v.srRef);
    const vdi = srVdis.find((x) => x.ref === v.vdiRef);
    if (vdi === undefined) throw srError('VDIMissing', `VDI ${v.vdiUuid} is not in SR ${v.srUuid} any more`);
    const names = new Map<string, string>();
    for (const ref of new Set(srVdis.flatMap((x) => activationsOf(x.smConfig).map((a) => a.host))))
      names.set(ref, await hostLabel(xapi, ref));
    names.set(v.host, host);
    const decision = decideActivate({
      host: v.host,
      vdi,
      writable,
      srVdis,
      vms: await xapi.vmsOfVdi(v.vdiRef),
      drbd: state,
      hostName: (r) => names.get(r) ?? r,
    });
    if (!decision.allow) throw srError(decision.error, decision.reason);
    ports.log.log('info', `vdi_activate ${v.vdiUuid} ${mode} on ${host}: allowed (${decision.why})`);
    // DRBD 8.4 opens nothing on a Secondary, not even read-only.
    await ensurePrimary(ports, seen, host);
    // An RW mark stays RW: a read-only user joining a writer on this host must not hide the writer.
    const current = vdi.smConfig[key];
    if (current !== mode && current !== 'RW') {
      if (current !== undefined) await xapi.removeFromVdiSmConfig(v.vdiRef, key);
      await xapi.addToVdiSmConfig(v.vdiRef, key, mode);
    }
  } finally {
    // A lock left behind is recovered (this host's next activation, or its sr_attach); an error here
    // must not hide the one that brought us here.
    await lock
      .release()
      .catch((u: unknown) => ports.log.log('err', `vdi_activate ${v.vdiUuid}: could not release the activation lock: ${String(u)}`));
  }

  try {
    await runPlan(ports, planVdiActivate(v.srUuid, v.vdiUuid), 'LVMMount', host);
    await ports.backend(v.cfg.backend).open(v.srUuid, v.vdiUuid, lvPath(v.srUuid, v.vdiUuid), writable);
  } catch (e) {
    await xapi.removeFromVdiSmConfig(v.vdiRef, key).catch((u: unknown) => {
      ports.log.log('err', `vdi_activate ${v.vdiUuid}: could not take back ${key} after a failure: ${String(u)}`);
    });
    throw e;
  }
  return null;
}
