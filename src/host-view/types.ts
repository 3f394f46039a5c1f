// One look at this host: every DRBD resource, who uses its devices, and what block-drbd recorded.
import type { BlockDevice } from '../drbd/device';
import type { ResourceState } from '../drbd/types';
import type { PromotionRecord } from '../hotplug/ledger';

/** Who has one of a resource's devices: a Xen block backend (xenstore), or a domain libvirt runs. */
export type DiskUser =
  | {
      readonly kind: 'xen-backend';
      readonly backend: string;
      readonly device: string; // hex major:minor
      readonly domain?: string;
      readonly online: boolean;
    }
  | {
      readonly kind: 'libvirt';
      /** The connection that listed it: `qemu:///system`, `xen:///system`. */
      readonly uri: string;
      readonly device: string;
      readonly domain: string;
      /** libvirt lists running domains only. */
      readonly online: true;
    };

/** A libvirt connection status could not read: its domains are missing from the view. */
export interface LibvirtUnread {
  readonly uri: string;
  readonly why: string;
}

export interface ResourceView {
  /** As drbdadm lists it; only a name that passes src/drbd/resource-name.ts is read or acted on. */
  readonly name: string;
  readonly devices: readonly BlockDevice[];
  /** undefined with `error` set when DRBD could not be read for this resource. */
  readonly state?: ResourceState;
  readonly error?: string;
  readonly twoPrimariesRunning: boolean;
  readonly twoPrimariesConfigured: boolean;
  readonly record?: PromotionRecord;
  readonly users: readonly DiskUser[];
  /** A dom0 mount of one of its devices. */
  readonly mountedInDom0: boolean;
  /** The drbdlvm SR's VG (VG_XenStorage-<sr_uuid>) on its device: Primary on both hosts by design. */
  readonly srVolumeGroup?: string;
}

export interface HostView {
  readonly resources: readonly ResourceView[];
  /** Some domain is mid-migration (`--incoming` / `--migratedaway`): dual-primary is expected. */
  readonly migrationInProgress: boolean;
  /** The libvirt connections whose running domains are in `users`. */
  readonly libvirtRead: readonly string[];
  /** Empty when libvirt runs no daemon here, or every connection was read. */
  readonly libvirtUnread: readonly LibvirtUnread[];
}
