// Which bundles `xen-drbd startup-snapshot` builds a snapshot for, and where node keeps its libnode.
// Pure.
import { basename } from 'node:path';
import { installPlan, type Executable } from '../install/plan';

export interface SnapshotTarget {
  readonly name: Executable;
  /** The bundle's path as installed (a symlink to it is fine: the snapshot follows the file). */
  readonly path: string;
}

const EXECUTABLES: readonly Executable[] = ['block-drbd', 'xen-drbd', 'DrbdlvmSR', 'libvirt-hook'];

/** Every executable either package installs, at its installed path: the build takes those present. */
export function installedTargets(): readonly SnapshotTarget[] {
  const seen = new Map<Executable, string>();
  for (const e of [...installPlan('debian'), ...installPlan('xcp-ng')])
    if (e.source.kind === 'dist' && !seen.has(e.source.name)) seen.set(e.source.name, e.path);
  return [...seen].map(([name, path]) => ({ name, path }));
}

/**
 * The libvirt daemons whose hook runs the libvirt hook (any one of them: monolithic libvirtd, or
 * the modular virtxend and virtqemud). Where none is installed the hook never runs, and its
 * snapshot would only cost the build; the .deb's trigger on these paths builds it once one is.
 */
export const LIBVIRT_DAEMONS = ['/usr/sbin/libvirtd', '/usr/sbin/virtxend', '/usr/sbin/virtqemud'] as const;

/** Why `t` gets no snapshot on a host where only `present` of LIBVIRT_DAEMONS exist; undefined when it does. */
export function notWanted(t: SnapshotTarget, present: (path: string) => boolean): string | undefined {
  if (t.name === 'libvirt-hook' && !LIBVIRT_DAEMONS.some(present)) return 'no libvirt daemon is installed here, so it never runs';
  return undefined;
}

/** A bundle named on the command line (one not at its installed path): its file name says which. */
export function targetAt(path: string): SnapshotTarget | string {
  const name = basename(path);
  if (!path.startsWith('/')) return `${path}: give an absolute path`;
  if (!(EXECUTABLES as readonly string[]).includes(name)) return `${path}: not one of xen-drbd's executables (${EXECUTABLES.join(', ')})`;
  return { name: name as Executable, path };
}

/**
 * The libnode a node process has mapped, from its /proc/PID/maps; undefined for a node built
 * without one (upstream builds link V8 into the binary).
 */
export function libnodeIn(maps: string): string | undefined {
  for (const line of maps.split('\n')) {
    const path = line.split(/\s+/, 6)[5];
    if (path !== undefined && /\/libnode\.so[.\d]*$/.test(path)) return path;
  }
  return undefined;
}
