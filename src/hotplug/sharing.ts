// Who else uses the device: the sharing rules of Xen's stock `block` script (block-common.sh
// check_sharing), mode-aware, which the old block-drbd had dropped. Pure.
import type { BlockBackend } from '../xenstore/backends';

/** `w`, `r`, or `!` (the `w!`/`r!` modes that skip the check), as canonicalise_mode does. */
export type SharingMode = 'w' | 'r' | '!';

export function canonicaliseMode(mode: string): SharingMode {
  if (!mode.includes('w')) return mode.includes('!') ? '!' : 'r';
  return mode.includes('!') ? '!' : 'w';
}

export interface Dom0Mount {
  readonly device: string; // hex major:minor
  readonly readWrite: boolean;
}

export type SharingConflict =
  { readonly kind: 'local'; readonly message: string } | { readonly kind: 'guest'; readonly message: string; readonly backend: string };

export function findSharingConflict(
  mine: { readonly device: string; readonly path: string; readonly mode: string; readonly vm?: string },
  others: readonly BlockBackend[],
  mounts: readonly Dom0Mount[],
): SharingConflict | undefined {
  const mode = canonicaliseMode(mine.mode);
  if (mode === '!') return undefined;
  const mount = mounts.find((m) => m.device === mine.device && (mode === 'w' || m.readWrite));
  if (mount !== undefined) {
    return { kind: 'local', message: `${mine.path} is mounted in dom0 and so cannot be given to a guest now` };
  }
  for (const o of others) {
    if (o.physicalDevice !== mine.device) continue;
    if (mode === 'r' && canonicaliseMode(o.mode) !== 'w') continue;
    if (o.vm !== undefined && o.vm === mine.vm) continue;
    return {
      kind: 'guest',
      message: `${mine.path} is already in use by another guest (${o.path})`,
      backend: o.path,
    };
  }
  return undefined;
}
