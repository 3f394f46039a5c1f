// The disk record both the scanner's rules (disk-rules.ts) and the parser (disk-spec.ts) build:
// on its own so that neither of the two has to import the other.

export type DiskFormat = 'unknown' | 'qcow' | 'qcow2' | 'vhd' | 'raw' | 'empty' | 'qed';
export type DiskBackend = 'unknown' | 'phy' | 'tap' | 'qdisk' | 'standalone';
export type DiskSpecification = 'unknown' | 'xen' | 'virtio';
export type DiskTransport = 'unknown' | 'mmio';
/** libxl_defbool: unset, or explicitly true or false. */
export type Defbool = 'default' | 'true' | 'false';

/** libxl_device_disk (tools/libs/light/libxl_types.idl), field for field; undefined = NULL. */
export interface DiskSpec {
  readonly backendDomid: number;
  readonly backendDomname: string | undefined;
  /** The target: for `drbd:` / script=block-drbd disks, the DRBD resource. */
  readonly pdevPath: string | undefined;
  readonly vdev: string | undefined;
  readonly backend: DiskBackend;
  readonly format: DiskFormat;
  readonly script: string | undefined;
  readonly removable: number;
  readonly readwrite: number;
  readonly isCdrom: number;
  readonly directIoSafe: boolean;
  readonly discardEnable: Defbool;
  readonly specification: DiskSpecification;
  readonly transport: DiskTransport;
  readonly irq: number;
  readonly base: number;
  readonly coloEnable: Defbool;
  readonly coloRestoreEnable: Defbool;
  readonly coloHost: string | undefined;
  readonly coloPort: number;
  readonly coloExport: string | undefined;
  readonly activeDisk: string | undefined;
  readonly hiddenDisk: string | undefined;
  readonly trusted: Defbool;
  readonly grantUsage: Defbool;
}
