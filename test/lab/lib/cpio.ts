// Minimal writer for the "newc" cpio format (the one the Linux initramfs unpacker reads).
// Used to build the small per-run overlay that is concatenated after the cached dom0 base cpio:
// later archive members overwrite earlier ones when the kernel unpacks them.

export interface CpioEntry {
  path: string; // without leading "/"
  mode: number; // permission bits, e.g. 0o755
  type: 'file' | 'dir' | 'symlink';
  data?: Buffer | string; // file contents or symlink target
}

const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function pad4(len: number): Buffer {
  const rest = (4 - (len % 4)) % 4;
  return Buffer.alloc(rest);
}

function header(ino: number, mode: number, size: number, name: string): Buffer {
  const nameBuf = Buffer.from(name + '\0', 'utf8');
  const fields = [
    '070701',
    hex8(ino),
    hex8(mode),
    hex8(0), // uid
    hex8(0), // gid
    hex8(1), // nlink
    hex8(0), // mtime
    hex8(size),
    hex8(0), // devmajor
    hex8(0), // devminor
    hex8(0), // rdevmajor
    hex8(0), // rdevminor
    hex8(nameBuf.length),
    hex8(0), // check
  ].join('');
  const head = Buffer.concat([Buffer.from(fields, 'ascii'), nameBuf]);
  return Buffer.concat([head, pad4(head.length)]);
}

/** Builds a newc archive. Parent directories must be listed before their children. */
export function buildCpio(entries: CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 0x4c00;
  for (const e of entries) {
    const data = e.data === undefined ? Buffer.alloc(0) : Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data, 'utf8');
    const typeBits = e.type === 'dir' ? S_IFDIR : e.type === 'symlink' ? S_IFLNK : S_IFREG;
    const size = e.type === 'dir' ? 0 : data.length;
    parts.push(header(ino++, typeBits | (e.mode & 0o7777), size, e.path.replace(/^\/+/, '')));
    if (size > 0) {
      parts.push(data, pad4(data.length));
    }
  }
  parts.push(header(0, 0, 0, 'TRAILER!!!'));
  const body = Buffer.concat(parts);
  // Pad the archive to a 512-byte boundary so a following archive starts cleanly.
  const rest = (512 - (body.length % 512)) % 512;
  return Buffer.concat([body, Buffer.alloc(rest)]);
}

/** Adds directory entries for every parent of the given paths (deduplicated, parents first). */
export function withParents(entries: CpioEntry[]): CpioEntry[] {
  const dirs = new Set<string>();
  for (const e of entries) {
    const segs = e.path.replace(/^\/+/, '').split('/');
    for (let i = 1; i < segs.length; i++) dirs.add(segs.slice(0, i).join('/'));
  }
  const dirEntries: CpioEntry[] = [...dirs].sort().map((d) => ({ path: d, mode: 0o755, type: 'dir' as const }));
  return [...dirEntries, ...entries.filter((e) => !dirs.has(e.path))];
}
