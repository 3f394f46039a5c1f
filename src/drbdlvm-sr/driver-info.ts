// sr_get_driver_info, answered from data alone: xapi runs it at every start on every host, before
// any SR exists, so it must not depend on DRBD, LVM or the network (docs/smapi.md §9).
import type { XmlRpcStruct } from './xmlrpc-value';

export const DRIVER_VERSION = '0.1.0';

/**
 * What xapi may ask of this driver. VDI_ACTIVATE/VDI_DEACTIVATE are what make xapi call
 * vdi_activate, where the single-host guard rail sits (docs/smapi.md §8). Left out on purpose:
 * - VDI_GENERATE_CONFIG / VDI_ATTACH_OFFLINE: they would let xapi HA put its statefile here, and xha
 *   keeps it open on every host at once (docs/smapi.md §8).
 * - VDI_SNAPSHOT / VDI_CLONE: an LVM snapshot is copy-on-write against its origin (every origin write
 *   after it costs a copy, and it fails when its COW space fills), not an independent VDI; xapi's
 *   snapshot/clone model and the Python GC behind it (docs/smapi.md §14) expect independent or VHD-chained
 *   volumes. On this SR it is also a consistency trap: a thick snapshot's COW table lives in one
 *   host's device-mapper, while the origin may be written from the other host during a migration
 *   split, and the other host's view of the snapshot is never updated (LVM snapshots are not
 *   cluster-aware). Without VDI_CLONE xapi simply disallows clone; a full copy (VDI.copy) still works.
 * - VDI_MIRROR (storage motion), VDI_INTRODUCE, VDI_RESET_ON_BOOT, VDI_CONFIG_CBT, SR_TRIM.
 */
export const CAPABILITIES = [
  'SR_PROBE',
  'SR_UPDATE',
  'VDI_CREATE',
  'VDI_DELETE',
  'VDI_ATTACH',
  'VDI_DETACH',
  'VDI_ACTIVATE',
  'VDI_DEACTIVATE',
  'VDI_RESIZE',
  'VDI_UPDATE',
] as const;

export type Capability = (typeof CAPABILITIES)[number];

/** device-config keys, as `xe sr-create device-config:<key>=...` takes them. */
export const CONFIGURATION = [
  {
    key: 'resource',
    description:
      'The DRBD resource (drbdadm name) whose device holds the SR, configured dual-primary on exactly the two hosts of the pool (required)',
  },
  {
    key: 'volume',
    description: 'The volume number within the resource, for multi-volume resources (optional; default: the resource has one volume)',
  },
  { key: 'backend', description: 'tapdisk (default; what XCP-ng needs) or blkback (kernel blkback on the LV, for hosts without blktap)' },
] as const;

export const DRIVER_INFO: XmlRpcStruct = {
  name: 'drbdlvm',
  description: 'SR driver: LVM on a dual-primary DRBD device spanning two pool hosts, with single-host guard rails',
  vendor: 'xen-drbd',
  copyright: '(C) xen-drbd contributors, GPL-2.0-or-later',
  driver_version: DRIVER_VERSION,
  required_api_version: '1.0',
  capabilities: [...CAPABILITIES],
  configuration: CONFIGURATION.map((c) => ({ key: c.key, description: c.description })),
};
