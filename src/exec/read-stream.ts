// A whole input stream, bounded in size and time: the libvirt hook's domain XML arrives on stdin,
// and a writer that never closes it must not hold the run past its deadline.
import type { Readable } from 'node:stream';
import type { Deadline } from './deadline';

export type StreamText = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly error: string };

export function readStream(stream: Readable, maxBytes: number, deadline: Deadline): Promise<StreamText> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (result: StreamText): void => {
      clearTimeout(timer);
      stream.removeAllListeners('data').removeAllListeners('end').removeAllListeners('error');
      // Drained on: a writer blocked on a full pipe is not left hanging, and nothing more is kept.
      stream.on('data', () => undefined);
      stream.on('error', () => undefined);
      resolve(result);
    };
    const waitMs = deadline.remainingMs();
    const timer = setTimeout(
      () => done({ ok: false, error: `standard input was not closed within ${(waitMs / 1000).toFixed(1)} s` }),
      waitMs,
    );
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) done({ ok: false, error: `standard input is over ${maxBytes} bytes: not a domain XML` });
      else chunks.push(chunk);
    });
    stream.on('end', () => done({ ok: true, text: Buffer.concat(chunks).toString('utf8') }));
    stream.on('error', (e) => done({ ok: false, error: `cannot read standard input: ${e.message}` }));
  });
}
