// A whole stream, bounded in size and time (the libvirt hook's stdin).
import { PassThrough } from 'node:stream';
import { Deadline } from '../../../src/exec/deadline';
import { readStream } from '../../../src/exec/read-stream';

describe('readStream', () => {
  it('reads every chunk up to the end', async () => {
    const s = new PassThrough();
    const got = readStream(s, 1024, new Deadline(30_000));
    s.write('<domain>');
    s.end('</domain>');
    expect(await got).toEqual({ ok: true, text: '<domain></domain>' });
  });

  it('stops at the size limit, and keeps draining so the writer is not blocked', async () => {
    const s = new PassThrough();
    const got = readStream(s, 8, new Deadline(30_000));
    s.write('123456789');
    expect(await got).toEqual({ ok: false, error: 'standard input is over 8 bytes: not a domain XML' });
    // A writer beyond the pipe's buffer would block if nobody read on.
    expect(s.write(Buffer.alloc(1024 * 1024))).toBe(true);
    s.end();
  });

  it('gives up when the writer never closes it within the deadline', async () => {
    const s = new PassThrough();
    s.write('<domain>');
    expect(await readStream(s, 1024, new Deadline(50))).toEqual({
      ok: false,
      error: expect.stringMatching(/^standard input was not closed within 0\.\d s$/),
    });
  });
});
