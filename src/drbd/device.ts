// Block device numbers as Xen wants them: `physical-device` is hex major:minor (stat -L -c %t:%T).
import { statSync } from 'node:fs';

export interface BlockDevice {
  readonly path: string;
  readonly major: number;
  readonly minor: number;
  /** `93:0` for /dev/drbd0. */
  readonly hex: string;
}

export function statBlockDevice(path: string): BlockDevice | undefined {
  let st;
  try {
    st = statSync(path, { bigint: true });
  } catch {
    return undefined;
  }
  if (!st.isBlockDevice()) return undefined;
  // Linux's dev_t layout (new_encode_dev): 12 bits of major in 8..19, minor split around it.
  const rdev = st.rdev;
  const major = Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
  const minor = Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
  return { path, major, minor, hex: `${major.toString(16)}:${minor.toString(16)}` };
}
