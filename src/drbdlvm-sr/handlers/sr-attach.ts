// sr_attach (PBD.plug: on every host with a PBD, at sr-create and at each boot): the resource up and
// connected, this host Primary (dual-primary), the VG visible. Then this host's crash leftovers in
// xapi go: it cannot be activating anything while its PBD is being plugged, so its activation-lock
// entry and its `host_<ref>` keys are stale (stock sm leaks the lock: xapi-project/sm#803).
import { Deadline } from '../../exec/deadline';
import type { HandlerContext } from '../context';
import { LOCK_KEY, staleOwnLock } from '../activation-lock-entry';
import { attachHealth, settling } from '../drbd-health';
import { staleActivations } from '../guard-rails';
import type { SmRequest } from '../request';
import { ensurePrimary, hostLabel, observeDrbd, requireHealth, requireVg, srCall, type Observed } from './common';

/** At boot xapi may plug PBDs while DRBD is still finding its peer: wait that long, no longer. */
export const PEER_WAIT_MS = 30_000;
const POLL_MS = 1000;

export async function srAttach(req: SmRequest, ctx: HandlerContext): Promise<null> {
  const c = srCall(req);
  const ports = ctx.ports();
  const xapi = ctx.xapi(req);
  const host = await hostLabel(xapi, c.host);
  const deadline = new Deadline(PEER_WAIT_MS, ports.clock);
  let seen: Observed = await observeDrbd(ports, c.cfg, async () => host);
  while (settling(seen.state) && !deadline.expired()) {
    await deadline.sleep(POLL_MS);
    seen = await observeDrbd(ports, c.cfg, async () => host, seen);
  }
  requireHealth(attachHealth(seen.state));
  await ensurePrimary(ports, seen, host);
  await requireVg(ports, c.srUuid, seen.device, host);

  if (staleOwnLock(await xapi.srSmConfig(c.srRef), c.host)) {
    await xapi.removeFromSrSmConfig(c.srRef, LOCK_KEY);
    ports.log.log('info', `sr_attach ${c.srUuid}: cleared this host's stale activation lock`);
  }
  for (const stale of staleActivations(c.host, await xapi.srVdis(c.srRef))) {
    await xapi.removeFromVdiSmConfig(stale.vdiRef, stale.key);
    ports.log.log('info', `sr_attach ${c.srUuid}: cleared stale ${stale.key} on VDI ${stale.vdiRef}`);
  }
  return null;
}
