// What the handlers need from the host and from xapi, passed in from main.ts so every handler is
// testable without either. Adapters satisfy these structurally (src/drbd/drbd.ts's Drbd is a
// DrbdSrPort; src/lvm/lvm.ts's Lvm is the LvmPort).
import type { DrbdPort } from '../drbd/drbd';
import type { Clock } from '../exec/deadline';
import type { Log } from '../log/buffered-syslog';
import type { LvmPort } from '../lvm/lvm';
import type { BackendKind } from './device-config';
import type { VdiView, VmView } from './guard-rails';
import type { Uuid } from './layout';
import type { StringMap } from './request';

export type { LvmPort };

/**
 * The DRBD operations the SR driver uses, as DrbdPort declares them. resolve throws DrbdError when
 * the resource is not configured on this host (a third pool host).
 */
export type DrbdSrPort = Pick<DrbdPort, 'resolve' | 'state' | 'promote' | 'demote'>;

/** VDI.db_introduce's arguments that vary (docs/smapi.md §7); the rest are fixed by the driver. */
export interface IntroduceVdi {
  readonly uuid: string;
  readonly nameLabel: string;
  readonly nameDescription: string;
  readonly type: string;
  readonly readOnly: boolean;
  readonly location: string;
  readonly smConfig: StringMap;
  readonly virtualSize: bigint;
  readonly physicalUtilisation: bigint;
}

/**
 * The calls into xapi, on the session of the call (never cached). xapi.ts implements it over
 * XML-RPC on /var/lib/xcp/xapi (tested against test/support/xapi-sim.ts).
 */
export interface XapiPort {
  srVdis(srRef: string): Promise<VdiView[]>;
  vmsOfVdi(vdiRef: string): Promise<VmView[]>;
  hostName(hostRef: string): Promise<string>;
  srSmConfig(srRef: string): Promise<StringMap>;
  /** Atomic: 'taken' when xapi answered MAP_DUPLICATE_KEY. */
  addToSrSmConfig(srRef: string, key: string, value: string): Promise<'added' | 'taken'>;
  removeFromSrSmConfig(srRef: string, key: string): Promise<void>;
  vdiSmConfig(vdiRef: string): Promise<StringMap>;
  addToVdiSmConfig(vdiRef: string, key: string, value: string): Promise<'added' | 'taken'>;
  removeFromVdiSmConfig(vdiRef: string, key: string): Promise<void>;
  dbIntroduce(srRef: string, vdi: IntroduceVdi): Promise<string>;
  dbForget(vdiRef: string): Promise<void>;
  setVdiSizes(vdiRef: string, sizes: { virtualSize: bigint; physicalUtilisation: bigint }): Promise<void>;
  setSrSizes(srRef: string, sizes: { physicalSize: bigint; physicalUtilisation: bigint; virtualAllocation: bigint }): Promise<void>;
}

/**
 * How an active VDI is served to guests. XCP-ng: a tapdisk per VDI (backends/tapdisk.ts), since xapi
 * always hands xenopsd a vbd3 backend (docs/smapi.md §13); a Debian/xl host: kernel blkback on the LV
 * path (backends/blkback.ts). open and close must be safe to repeat (a retry after a crash).
 */
export interface BlockBackendPort {
  /** vdi_attach's `params`: where the disk will be once vdi_activate has opened it. */
  params(srUuid: Uuid, vdiUuid: Uuid): string;
  /** vdi_activate, after the LV is active. */
  open(srUuid: Uuid, vdiUuid: Uuid, lvPath: string, writable: boolean): Promise<void>;
  /** vdi_deactivate, before the LV goes down. */
  close(srUuid: Uuid, vdiUuid: Uuid, lvPath: string): Promise<void>;
}

export interface Ports {
  readonly drbd: DrbdSrPort;
  readonly lvm: LvmPort;
  backend(kind: BackendKind): BlockBackendPort;
  readonly log: Log;
  /** The activation lock's timestamp and sr_attach's bounded wait for the peer. */
  readonly clock: Clock;
}
