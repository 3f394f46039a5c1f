// One handler per SM command, in a Record over SmCommand: a command without a handler does not
// compile. What each answers in this build is said here, plainly:
// - answered: sr_get_driver_info (static), sr_probe (reads DRBD and LVM), sr_update (LVM sizes →
//   xapi);
// - nil by contract: vdi_update, vdi_epoch_begin, vdi_epoch_end (xapi calls them regardless of
//   capabilities and fails VM starts or snapshots on an error; the driver keeps no per-VDI state
//   for them to update: no reset-on-boot, no MGT records yet);
// - not implemented yet (fault 5109, NotImplementedYet): every other command the driver declares
//   a capability for (and sr_create/sr_delete/sr_attach/sr_detach/sr_scan). Their LVM plans
//   (lvm-plan.ts), guard rails (guard-rails.ts, drbd-health.ts, activation-lock.ts) and the xapi
//   client (xapi.ts) exist and are tested; the handlers that run them in order, the per-SR lock
//   between driver processes and the block backend (tapdisk / blkback) are next;
// - not supported (fault 38, which xapi maps to "not supported" or a fallback): the rest.
import type { SmCommand } from './commands';
import { DRIVER_INFO } from './driver-info';
import { srError } from './errors';
import { srProbe } from './handlers/sr-probe';
import { srUpdate } from './handlers/sr-update';
import type { Ports, XapiPort } from './ports';
import type { SmRequest } from './request';
import type { XmlRpcValue } from './xmlrpc-value';

export interface HandlerContext {
  /** Built on first use: sr_get_driver_info must not touch DRBD, LVM or xapi. */
  ports(): Ports;
  /** xapi on the call's own session (research §1.7: never cached across calls). */
  xapi(req: SmRequest): XapiPort;
}

export type Handler = (req: SmRequest, ctx: HandlerContext) => Promise<XmlRpcValue>;

const nil: Handler = async () => null;

const notYet: Handler = async (req) => {
  throw srError('NotImplementedYet', `${req.command} is not implemented in this drbdlvm build (it answers sr_get_driver_info, sr_probe and sr_update only)`);
};

const unsupported: Handler = async (req) => {
  throw srError('Unimplemented', `drbdlvm does not support ${req.command}`);
};

export const HANDLERS: Record<SmCommand, Handler> = {
  sr_get_driver_info: async () => DRIVER_INFO,
  sr_probe: (req, ctx) => srProbe(req, () => ctx.ports()),
  sr_update: (req, ctx) => srUpdate(req, () => ctx.ports().lvm, () => ctx.xapi(req)),

  sr_create: notYet,
  sr_delete: notYet,
  sr_attach: notYet,
  sr_detach: notYet,
  sr_scan: notYet,
  vdi_create: notYet,
  vdi_delete: notYet,
  vdi_attach: notYet,
  vdi_detach: notYet,
  vdi_activate: notYet,
  vdi_deactivate: notYet,
  vdi_resize: notYet,

  vdi_update: nil,
  vdi_epoch_begin: nil,
  vdi_epoch_end: nil,

  sr_content_type: unsupported,
  vdi_resize_online: unsupported,
  vdi_snapshot: unsupported,
  vdi_clone: unsupported,
  vdi_introduce: unsupported,
  vdi_generate_config: unsupported,
  vdi_attach_from_config: unsupported,
  vdi_compose: unsupported,
  vdi_enable_cbt: unsupported,
  vdi_disable_cbt: unsupported,
  vdi_data_destroy: unsupported,
  vdi_list_changed_blocks: unsupported,
  vdi_revert: unsupported,
};
