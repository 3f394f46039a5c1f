// What xen-drbd installs, where, with which mode and from what: the one list that the .deb and
// .rpm builder (scripts/package.ts) and `xen-drbd install` both read, so they cannot disagree. Pure.
//
// The executables live in /usr/libexec/xen-drbd; /etc/xen/scripts/block-drbd is a symlink to ours, so
// upgrades replace a program, not a conffile the admin is asked about. libxl finds the script only
// by that path, which drbd-utils already owns: the .deb diverts it (DEB_DIVERSIONS), a source
// install keeps the file as PATH.xen-drbd-orig.

export type Layout = 'debian' | 'xcp-ng';
export type Executable = 'block-drbd' | 'xen-drbd' | 'DrbdlvmSR' | 'libvirt-hook';
export type ManPageName = 'block-drbd' | 'xen-drbd' | 'drbdlvm';

export type Source =
  /** A built executable in dist/. */
  | { readonly kind: 'dist'; readonly name: Executable }
  /** A file of the source tree, relative to its root. */
  | { readonly kind: 'repo'; readonly path: string }
  /** A man page rendered from src/help, gzipped. */
  | { readonly kind: 'man'; readonly page: ManPageName }
  | { readonly kind: 'symlink'; readonly target: string };

export interface PlanEntry {
  /** Absolute path on the installed host. */
  readonly path: string;
  /** Permission bits; 0o777 for symlinks (they have none of their own). */
  readonly mode: number;
  readonly source: Source;
}

export const LIB_DIR = '/usr/libexec/xen-drbd';
export const BLOCK_DRBD_PATH = '/etc/xen/scripts/block-drbd';
export const XAPI_DROP_IN = '/etc/xapi.conf.d/99-xen-drbd-drbdlvm.conf';
/**
 * libvirt runs every executable in hooks/<driver>.d/ (libvirt >= 6.5) after the driver's own hook
 * file: ours beside the admin's, which stays theirs.
 */
export const LIBVIRT_HOOKS = ['/etc/libvirt/hooks/libxl.d/xen-drbd', '/etc/libvirt/hooks/qemu.d/xen-drbd'] as const;

/** dpkg-divert calls of the .deb's preinst and postrm (packaging/debian), checked against this by test. */
export const DEB_DIVERSIONS: readonly { readonly path: string; readonly divertTo: string }[] = [
  { path: BLOCK_DRBD_PATH, divertTo: `${BLOCK_DRBD_PATH}.drbd-utils` },
];

const exe = (path: string, name: Executable): PlanEntry => ({ path, mode: 0o755, source: { kind: 'dist', name } });
const data = (path: string, repoPath: string): PlanEntry => ({ path, mode: 0o644, source: { kind: 'repo', path: repoPath } });
const man = (page: ManPageName): PlanEntry => ({ path: `/usr/share/man/man8/${page}.8.gz`, mode: 0o644, source: { kind: 'man', page } });

const COMMON: readonly PlanEntry[] = [
  exe(`${LIB_DIR}/block-drbd`, 'block-drbd'),
  { path: BLOCK_DRBD_PATH, mode: 0o777, source: { kind: 'symlink', target: `${LIB_DIR}/block-drbd` } },
  exe('/usr/sbin/xen-drbd', 'xen-drbd'),
  man('block-drbd'),
  man('xen-drbd'),
];

/**
 * debian: a Debian dom0 with xl (xendomains, the reconcile unit). xcp-ng: an XCP-ng/XenServer dom0,
 * where xapi starts domains: the SR driver and its sm-plugins drop-in instead of the unit.
 */
export function installPlan(layout: Layout): readonly PlanEntry[] {
  switch (layout) {
    case 'debian':
      return [
        ...COMMON,
        // Bookworm's systemd units still live in /lib (usrmerge aliasing: dpkg must see one path).
        data('/lib/systemd/system/xen-drbd-reconcile.service', 'packaging/systemd/xen-drbd-reconcile.service'),
        exe(`${LIB_DIR}/libvirt-hook`, 'libvirt-hook'),
        ...LIBVIRT_HOOKS.map((path) => ({ path, mode: 0o777, source: { kind: 'symlink', target: `${LIB_DIR}/libvirt-hook` } }) as const),
      ];
    case 'xcp-ng':
      return [
        ...COMMON,
        exe('/opt/xensource/sm/DrbdlvmSR', 'DrbdlvmSR'),
        data(XAPI_DROP_IN, 'packaging/xapi/99-xen-drbd-drbdlvm.conf'),
        man('drbdlvm'),
      ];
    default:
      return layout satisfies never;
  }
}

/** One line per entry, for --dry-run and the builders' logs. */
export function describeEntry(e: PlanEntry): string {
  const s = e.source;
  switch (s.kind) {
    case 'dist':
      return `${e.path} (0${e.mode.toString(8)}) from dist/${s.name}`;
    case 'repo':
      return `${e.path} (0${e.mode.toString(8)}) from ${s.path}`;
    case 'man':
      return `${e.path} (0${e.mode.toString(8)}) rendered from src/help/${s.page}.ts`;
    case 'symlink':
      return `${e.path} -> ${s.target}`;
    default:
      return s satisfies never;
  }
}
