// What lvm2 reports about a volume group, its logical volumes and a physical volume. Sizes are
// bytes as bigint: a 2 TiB LV already passes 2^41, and sums of them must stay exact.

export interface VgReport {
  readonly name: string;
  readonly uuid: string;
  readonly size: bigint;
  readonly free: bigint;
  readonly extentSize: bigint;
  readonly lvCount: number;
  readonly pvCount: number;
}

export interface LvReport {
  readonly name: string;
  readonly uuid: string;
  readonly size: bigint;
  /** lv_attr as printed, e.g. '-wi-a-----'. */
  readonly attr: string;
  /** true when the 5th attr character says active ('a'); unknown states ('X') count as not active. */
  readonly active: boolean;
  readonly tags: readonly string[];
}

export interface PvReport {
  readonly name: string;
  /** '' when the PV belongs to no VG. */
  readonly vgName: string;
  readonly vgUuid: string;
  readonly size: bigint;
  readonly vgSize: bigint;
}
