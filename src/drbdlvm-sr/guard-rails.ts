// The single-host rule, as pure decisions over what xapi's database says (docs/smapi.md §11).
//
// Where VDIs are active is xapi's own pool-wide convention: VDI sm-config `host_<host ref>` = "RW" or
// "RO", written by the driver on vdi_activate and removed on vdi_deactivate, and also maintained by
// xapi (refresh_local_vdi_activations) and resetvdis (after a host is declared dead). The rule:
// a VDI may become active RW on host H only while no VDI of the SR is active RW on another host,
// unless the VM of the VDI being activated is itself being XenMotioned to H from that host (the
// short split the user accepts: during a migration the source still runs the SR's other VMs).
import { peerHealth, localHealth, type Health } from './drbd-health';
import type { ResourceState } from '../drbd/types';
import type { SrErrorName } from './errors';
import type { StringMap } from './request';

export type Mode = 'RW' | 'RO';

export const HOST_KEY_PREFIX = 'host_';

export function hostKey(hostRef: string): string {
  return `${HOST_KEY_PREFIX}${hostRef}`;
}

export interface Activation {
  readonly host: string;
  readonly mode: Mode;
}

/** The `host_<ref>` entries of one VDI's sm-config. A value other than RO counts as RW (safe side). */
export function activationsOf(smConfig: StringMap): Activation[] {
  return Object.entries(smConfig)
    .filter(([k]) => k.startsWith(HOST_KEY_PREFIX) && k.length > HOST_KEY_PREFIX.length)
    .map(([k, v]) => ({ host: k.slice(HOST_KEY_PREFIX.length), mode: v === 'RO' ? 'RO' : 'RW' }));
}

export interface VdiView {
  readonly ref: string;
  readonly uuid: string;
  readonly smConfig: StringMap;
}

/** What the driver reads about a VM using the VDI (through VDI.get_VBDs → VBD.get_VM). */
export interface VmView {
  readonly ref: string;
  readonly uuid: string;
  /** The values of VM.current_operations. */
  readonly currentOperations: readonly string[];
  /** undefined for OpaqueRef:NULL. */
  readonly residentOn?: string;
  readonly scheduledToBeResidentOn?: string;
  readonly isControlDomain: boolean;
}

export interface ActivateInput {
  readonly host: string;
  readonly vdi: VdiView;
  readonly writable: boolean;
  /** Every VDI of the SR, the one being activated included. */
  readonly srVdis: readonly VdiView[];
  /** The VMs whose VBDs use the VDI being activated. */
  readonly vms: readonly VmView[];
  readonly drbd: ResourceState;
  /** Host ref → name for messages. */
  readonly hostName?: (ref: string) => string;
}

export type ActivateDecision =
  | { readonly allow: true; readonly why: 'single-host' | 'read-only' | 'already-active-here' | 'migration-split' }
  | { readonly allow: false; readonly error: SrErrorName; readonly reason: string };

const MIGRATION_OPS = new Set(['pool_migrate', 'migrate_send']);

/** Is this VM being live-migrated from `from` to `to`? (docs/smapi.md §11: the xapi fields during pool_migrate) */
export function isMigrating(vm: VmView, from: string, to: string): boolean {
  return (
    !vm.isControlDomain &&
    vm.currentOperations.some((op) => MIGRATION_OPS.has(op)) &&
    vm.scheduledToBeResidentOn === to &&
    vm.residentOn === from &&
    from !== to
  );
}

export function decideActivate(input: ActivateInput): ActivateDecision {
  const { host, vdi, writable } = input;
  const name = input.hostName ?? ((r: string) => r);
  const refuse = (error: SrErrorName, reason: string): ActivateDecision => ({ allow: false, error, reason });
  const fromHealth = (h: Health): ActivateDecision | undefined => (h.ok ? undefined : refuse(h.error, h.reason));

  // The VDI itself: never RW on two hosts, never RW here while read elsewhere (blktap2's rule), but
  // for its own VM being migrated here from there: a backend that holds the LV open until the source
  // domain is gone (kernel blkback under `xl migrate`, lab scenario 19) can only let go of it once the
  // guest runs here, so this host activates before the source deactivates.
  const own = activationsOf(vdi.smConfig);
  const elsewhere = own.filter((a) => a.host !== host && (a.mode === 'RW' || writable));
  // Every VM of this VDI resident on `from` is moving here, and at least one is.
  const allMovingHereFrom = (from: string) =>
    input.vms.some((vm) => isMigrating(vm, from, host)) && input.vms.every((vm) => vm.residentOn !== from || isMigrating(vm, from, host));
  const ownSplit = writable && elsewhere.length > 0 && elsewhere.every((a) => allMovingHereFrom(a.host));
  const first = elsewhere[0];
  if (first !== undefined && !ownSplit) {
    return refuse('VDIInUse', `VDI ${vdi.uuid} is active ${first.mode} on host ${name(first.host)}`);
  }

  const local = fromHealth(localHealth(input.drbd));
  if (local !== undefined) return local;
  if (!writable) return { allow: true, why: 'read-only' };
  if (input.drbd.link === 'StandAlone') return fromHealth(peerHealth(input.drbd)) as ActivateDecision;
  if (own.some((a) => a.host === host && a.mode === 'RW')) return { allow: true, why: 'already-active-here' };

  // Other hosts with RW activations of other VDIs of the SR (RO ones write nothing).
  const others = new Map<string, string[]>();
  for (const v of input.srVdis) {
    if (v.ref === vdi.ref) continue;
    for (const a of activationsOf(v.smConfig)) {
      if (a.host === host || a.mode !== 'RW') continue;
      others.set(a.host, [...(others.get(a.host) ?? []), v.uuid]);
    }
  }
  if (others.size === 0 && !ownSplit) return { allow: true, why: 'single-host' };

  const otherHosts = [...others.keys()];
  const migrating = input.vms.find((vm) => otherHosts.every((x) => isMigrating(vm, x, host)));
  if (migrating === undefined) {
    const list = otherHosts.map((x) => `host ${name(x)} (VDI ${(others.get(x) ?? []).join(', ')})`).join('; ');
    const who = input.vms.some((vm) => vm.isControlDomain) ? 'a control-domain (dom0) attach' : 'a VM start';
    return refuse(
      'ActiveOnOtherHost',
      `refusing ${who} on host ${name(host)}: VDIs of this SR are active RW on ${list}. Run it on that host, or migrate the SR's other VMs here first`,
    );
  }
  // Both hosts write during the split: replication must be up, or this is a split-brain in the making.
  const peer = fromHealth(peerHealth(input.drbd));
  if (peer !== undefined) return peer;
  return { allow: true, why: 'migration-split' };
}

/**
 * Metadata changes (vdi_create, vdi_delete, vdi_resize, sr_create's VG, sr_delete): on the SR master
 * only, and only while both copies are in sync, or the other host would keep running on metadata the
 * master has since changed.
 */
export function decideMetadataChange(srMaster: boolean, drbd: ResourceState): Health {
  if (!srMaster) return { ok: false, error: 'LVMMaster', reason: 'LVM metadata changes run on the SR master (the pool master)' };
  return peerHealth(drbd);
}

/** sr_attach on `host`: the `host_<host>` keys it left behind in a crash, one per VDI (resetvdis). */
export function staleActivations(host: string, srVdis: readonly VdiView[]): { readonly vdiRef: string; readonly key: string }[] {
  const key = hostKey(host);
  return srVdis.filter((v) => v.smConfig[key] !== undefined).map((v) => ({ vdiRef: v.ref, key }));
}
