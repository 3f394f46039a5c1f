// The decoder must reassemble messages however the socket splits or joins them.
import {
  MessageDecoder,
  PAYLOAD_MAX,
  XsType,
  encodeMessage,
  fitWriteValue,
  nulTerminated,
  splitNul,
  writePayload,
} from '../../../src/xenstore/wire';

const a = encodeMessage({ type: XsType.Read, reqId: 7, txId: 0, payload: Buffer.from('93:0') });
const b = encodeMessage({ type: XsType.Directory, reqId: 8, txId: 0, payload: nulTerminated('3', '4') });

describe('xenstore wire', () => {
  it('encodes the header little-endian: type, req_id, tx_id, len', () => {
    expect([...a.subarray(0, 16)]).toEqual([2, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0]);
  });

  it('writes the value without a terminating NUL', () => {
    expect(writePayload('a/b', 'v').toString('latin1')).toBe('a/b\0v');
  });

  it.each([1, 5, 15, 16, 17, 19, 20, 30])('decodes two messages split at byte %i', (at) => {
    const both = Buffer.concat([a, b]);
    const d = new MessageDecoder();
    const got = [...d.push(both.subarray(0, at)), ...d.push(both.subarray(at))];
    expect(got.map((m) => [m.type, m.reqId, m.payload.toString('latin1')])).toEqual([
      [2, 7, '93:0'],
      [1, 8, '3\x004\x00'],
    ]);
  });

  it('decodes two messages arriving in one chunk', () => {
    expect(new MessageDecoder().push(Buffer.concat([a, b]))).toHaveLength(2);
  });

  it('rejects a length over the protocol maximum instead of buffering forever', () => {
    const bad = Buffer.alloc(16);
    bad.writeUInt32LE(5000, 12);
    expect(() => new MessageDecoder().push(bad)).toThrow(/claims 5000 payload bytes/);
  });

  it('splits NUL-separated payloads', () => {
    expect(splitNul(nulTerminated('a', 'b'))).toEqual(['a', 'b']);
    expect(splitNul(Buffer.alloc(0))).toEqual([]);
  });
});

describe('fitWriteValue: what a WRITE can carry (XENSTORE_PAYLOAD_MAX)', () => {
  const path = 'backend/vbd/3/51712/hotplug-error';
  const mark = ' … [cut]';
  const payload = (v: string) => writePayload(path, v);

  it('leaves a value that fits as it is', () => {
    expect(fitWriteValue(path, 'r0: refused', mark)).toBe('r0: refused');
    const exact = 'x'.repeat(PAYLOAD_MAX - path.length - 1);
    expect(fitWriteValue(path, exact, mark)).toBe(exact);
  });

  it('cuts a longer value to exactly the limit, ending with the mark, and it then encodes', () => {
    const fitted = fitWriteValue(path, 'e'.repeat(6144), mark);
    expect(fitted.endsWith(mark)).toBe(true);
    expect(payload(fitted).length).toBe(PAYLOAD_MAX);
    expect(() => encodeMessage({ type: XsType.Write, reqId: 1, txId: 0, payload: payload(fitted) })).not.toThrow();
  });

  it('never splits a multi-byte character', () => {
    const fitted = fitWriteValue(path, '€'.repeat(3000), mark); // 3 bytes each
    expect(fitted).toMatch(/^€+ … \[cut\]$/);
    expect(payload(fitted).length).toBeLessThanOrEqual(PAYLOAD_MAX);
    expect(payload(fitted).length).toBeGreaterThan(PAYLOAD_MAX - 3);
  });

  it('refuses, rather than encodes, a payload over the limit', () => {
    expect(() => encodeMessage({ type: XsType.Write, reqId: 1, txId: 0, payload: payload('e'.repeat(6144)) })).toThrow(
      /payload of 6178 bytes exceeds 4096/,
    );
  });
});
