// One handler per SM command, in a Record over SmCommand: a command without a handler does not
// compile. What each answers, plainly:
// - static: sr_get_driver_info;
// - reads only: sr_probe (DRBD and LVM), sr_update (LVM sizes → xapi);
// - under the per-SR host lock (sr-lock.ts), one file each in handlers/: sr_create, sr_attach,
//   sr_detach, sr_scan, sr_delete, vdi_create, vdi_delete, vdi_attach, vdi_detach, vdi_activate
//   (the guard rail), vdi_deactivate, vdi_resize;
// - nil by contract: vdi_update, vdi_epoch_begin, vdi_epoch_end (xapi calls them regardless of
//   capabilities and fails VM starts or snapshots on an error; the driver keeps no per-VDI state
//   for them to update: no reset-on-boot, no MGT records);
// - not supported (fault 38, which xapi maps to "not supported" or a fallback): the rest, among them
//   vdi_snapshot and vdi_clone (driver-info.ts says why).
import type { SmCommand } from './commands';
import type { HandlerContext } from './context';
import { parseDeviceConfig } from './device-config';
import { DRIVER_INFO } from './driver-info';
import { srError } from './errors';
import { srAttach } from './handlers/sr-attach';
import { srCreate } from './handlers/sr-create';
import { srDelete } from './handlers/sr-delete';
import { srDetach } from './handlers/sr-detach';
import { srProbe } from './handlers/sr-probe';
import { srScan } from './handlers/sr-scan';
import { srUpdate } from './handlers/sr-update';
import { vdiActivate } from './handlers/vdi-activate';
import { vdiAttach } from './handlers/vdi-attach';
import { vdiCreate } from './handlers/vdi-create';
import { vdiDeactivate } from './handlers/vdi-deactivate';
import { vdiDelete } from './handlers/vdi-delete';
import { vdiDetach } from './handlers/vdi-detach';
import { vdiResize } from './handlers/vdi-resize';
import { parseUuid } from './layout';
import type { SmRequest } from './request';
import type { XmlRpcValue } from './xmlrpc-value';

export type { HandlerContext } from './context';

export type Handler = (req: SmRequest, ctx: HandlerContext) => Promise<XmlRpcValue>;

const nil: Handler = async () => null;

const unsupported: Handler = async (req) => {
  throw srError('Unimplemented', `drbdlvm does not support ${req.command}`);
};

/** Runs the handler holding the per-SR lock of this host, released whatever happens. A request that
 * cannot be right (device-config, sr_uuid) is refused before the lock: it touches nothing. */
const locked =
  (h: Handler): Handler =>
  async (req, ctx) => {
    parseDeviceConfig(req.deviceConfig);
    const lock = await ctx.srLock(parseUuid(req.srUuid ?? '', 'sr_uuid'));
    try {
      return await h(req, ctx);
    } finally {
      lock.release();
    }
  };

export const HANDLERS: Record<SmCommand, Handler> = {
  sr_get_driver_info: async () => DRIVER_INFO,
  sr_probe: (req, ctx) => srProbe(req, () => ctx.ports()),
  sr_update: (req, ctx) =>
    srUpdate(
      req,
      () => ctx.ports().lvm,
      () => ctx.xapi(req),
    ),

  sr_create: locked(srCreate),
  sr_delete: locked(srDelete),
  sr_attach: locked(srAttach),
  sr_detach: locked(srDetach),
  sr_scan: locked(srScan),
  vdi_create: locked(vdiCreate),
  vdi_delete: locked(vdiDelete),
  vdi_attach: locked(vdiAttach),
  vdi_detach: locked(vdiDetach),
  vdi_activate: locked(vdiActivate),
  vdi_deactivate: locked(vdiDeactivate),
  vdi_resize: locked(vdiResize),

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
