// The xenstored wire protocol (xen/include/public/io/xs_wire.h): a 16-byte little-endian header
// (type, req_id, tx_id, len) and a payload of NUL-separated strings. Pure: bytes in, bytes out.

export const enum XsType {
  Directory = 1,
  Read = 2,
  TransactionStart = 6,
  TransactionEnd = 7,
  Write = 11,
  Mkdir = 12,
  Rm = 13,
  WatchEvent = 15,
  Error = 16,
}

export const HEADER_SIZE = 16;
/** XENSTORE_PAYLOAD_MAX: xenstored refuses longer messages. */
export const PAYLOAD_MAX = 4096;

export interface XsMessage {
  readonly type: number;
  readonly reqId: number;
  readonly txId: number;
  readonly payload: Buffer;
}

export function encodeMessage(m: XsMessage): Buffer {
  if (m.payload.length > PAYLOAD_MAX) {
    throw new RangeError(`xenstore payload of ${m.payload.length} bytes exceeds ${PAYLOAD_MAX}`);
  }
  const header = Buffer.alloc(HEADER_SIZE);
  header.writeUInt32LE(m.type, 0);
  header.writeUInt32LE(m.reqId, 4);
  header.writeUInt32LE(m.txId, 8);
  header.writeUInt32LE(m.payload.length, 12);
  return Buffer.concat([header, m.payload]);
}

/** Payload of strings each ending in NUL (paths, directory listings). */
export function nulTerminated(...parts: string[]): Buffer {
  return Buffer.from(parts.map((p) => `${p}\0`).join(''), 'utf8');
}

/** WRITE's payload: the path NUL-terminated, then the value as raw bytes without a terminator. */
export function writePayload(path: string, value: string): Buffer {
  return Buffer.concat([nulTerminated(path), Buffer.from(value, 'utf8')]);
}

/**
 * A WRITE value that fits XENSTORE_PAYLOAD_MAX with its path: unchanged when it fits, else cut at
 * a whole character and ended with `mark`. For messages only: a value that must arrive whole (a
 * device number) is never cut, its write fails instead.
 */
export function fitWriteValue(path: string, value: string, mark: string): string {
  const room = PAYLOAD_MAX - Buffer.byteLength(path) - 1;
  if (Buffer.byteLength(value) <= room) return value;
  const keep = room - Buffer.byteLength(mark);
  if (keep < 0) return value; // not even the mark fits after this path: the write fails, and says so
  let bytes = 0;
  let end = 0;
  for (const ch of value) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > keep) break;
    bytes += n;
    end += ch.length;
  }
  return `${value.slice(0, end)}${mark}`;
}

export function splitNul(payload: Buffer): string[] {
  const text = payload.toString('utf8');
  const parts = text.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** Reassembles messages from a byte stream that may split or join them anywhere. */
export class MessageDecoder {
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): XsMessage[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const out: XsMessage[] = [];
    while (this.buffered.length >= HEADER_SIZE) {
      const len = this.buffered.readUInt32LE(12);
      if (len > PAYLOAD_MAX) throw new RangeError(`xenstore message claims ${len} payload bytes`);
      if (this.buffered.length < HEADER_SIZE + len) break;
      out.push({
        type: this.buffered.readUInt32LE(0),
        reqId: this.buffered.readUInt32LE(4),
        txId: this.buffered.readUInt32LE(8),
        payload: this.buffered.subarray(HEADER_SIZE, HEADER_SIZE + len),
      });
      this.buffered = this.buffered.subarray(HEADER_SIZE + len);
    }
    return out;
  }
}
