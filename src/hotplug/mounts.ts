// dom0's own mounts of block devices, as hex major:minor, for the sharing check.
import { readFileSync } from 'node:fs';
import { statBlockDevice } from '../drbd/device';
import type { Dom0Mount } from './sharing';

export function readDom0Mounts(procMounts: string): Dom0Mount[] {
  let text: string;
  try {
    text = readFileSync(procMounts, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').flatMap((line) => {
    const [source, , , options = ''] = line.split(' ');
    if (source === undefined || !source.startsWith('/dev/')) return [];
    const dev = statBlockDevice(source);
    return dev === undefined ? [] : [{ device: dev.hex, readWrite: options.split(',').includes('rw') }];
  });
}
