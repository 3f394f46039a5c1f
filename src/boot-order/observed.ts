// What decides boot ordering on a host: the two init scripts' headers, xendomains' own systemd
// unit if it has one, our drop-in, and which units and rc links are enabled. Paths are the host's
// (/etc/init.d/drbd), whatever root directory they were read under.
export interface TextFile {
  readonly path: string;
  readonly text: string;
}

export interface BootObserved {
  /** systemd is the running init (sd_booted: /run/systemd/system exists). */
  readonly systemd: boolean;
  readonly drbdInit: TextFile | undefined;
  readonly xendomainsInit: TextFile | undefined;
  /** A native xendomains.service (upstream Xen ships one; Debian bookworm does not). */
  readonly xendomainsUnit: TextFile | undefined;
  readonly dropIn: TextFile | undefined;
  /** Unit names linked from any /etc/systemd/system/*.wants directory. */
  readonly enabledUnits: ReadonlySet<string>;
  /** Init scripts with an S link in /etc/rc2.d … rc5.d. */
  readonly rcStartLinks: ReadonlySet<string>;
}

/** drbd.service, and the resources whose drbd@RES.target is enabled (sorted). */
export function enabledDrbdUnits(o: Pick<BootObserved, 'enabledUnits'>): { drbdService: boolean; resourceTargets: string[] } {
  const resourceTargets = [...o.enabledUnits].flatMap((u) => /^drbd@(.+)\.target$/.exec(u)?.[1] ?? []).sort();
  return { drbdService: o.enabledUnits.has('drbd.service'), resourceTargets };
}
