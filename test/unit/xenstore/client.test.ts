// The xenstore client against the test xenstored (a real unix socket): every request bounded by
// the run's deadline, a hung daemon given up at once, nothing left to reject unhandled (issue 19).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Deadline } from '../../../src/exec/deadline';
import { XenstoreClient, XenstoreUnavailable } from '../../../src/xenstore/client';
import { TestXenstored } from '../../support/xenstored';

jest.setTimeout(60_000);

let dir: string;
let xenstored: TestXenstored;
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'xs-client-'));
  xenstored = new TestXenstored(join(dir, 'sock'));
  await xenstored.start();
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});

afterEach(async () => {
  process.removeListener('unhandledRejection', onUnhandled);
  await xenstored.stop();
  rmSync(dir, { recursive: true, force: true });
});

const connect = (deadline?: Deadline) => XenstoreClient.connect({ XENSTORED_PATH: xenstored.socketPath }, deadline);
const tick = () => new Promise((r) => setTimeout(r, 50));

/** Fails the test instead of hanging it when the promise never settles. */
function settleWithin<T>(p: Promise<T>, ms: number): Promise<T | 'never settled'> {
  return Promise.race([p, new Promise<'never settled'>((r) => setTimeout(() => r('never settled'), ms).unref())]);
}

describe('XenstoreClient', () => {
  it('gives up on a xenstored that stops answering by the deadline, and fails every later request at once', async () => {
    const xs = await connect(new Deadline(1500));
    expect(await xs.read('/x')).toBeUndefined();
    xenstored.stallFrom(() => true);
    const first = await settleWithin(
      xs.read('/a').catch((e: Error) => e),
      20_000,
    );
    expect(first).toBeInstanceOf(XenstoreUnavailable);
    expect((first as Error).message).toMatch(/^xenstored did not answer 'read \/a' within \d\.\d s$/);
    await expect(xs.write('/b', 'v')).rejects.toThrow(/^xenstore write \/b not sent: xenstored did not answer 'read \/a'/);
    expect(xenstored.requests.filter((r) => r.endsWith(' /b'))).toEqual([]); // not even sent
    xs.close();
    await tick();
    expect(unhandled).toEqual([]);
  });

  it('refuses a payload over 4096 bytes before sending it, and the connection stays usable', async () => {
    const xs = await connect();
    await expect(xs.write('/big', 'e'.repeat(6144))).rejects.toThrow(/^xenstore write: xenstore payload of \d+ bytes exceeds 4096$/);
    await xs.write('/small', 'ok');
    expect(xenstored.get('/small')).toBe('ok');
    xs.close(); // rejects whatever still waits for a reply: nothing must
    await tick();
    expect(unhandled).toEqual([]);
  });

  it('turns a malformed message from xenstored into a failed request, not a crash', async () => {
    const sock = join(dir, 'bad');
    const bad: Server = createServer((s) =>
      s.on('data', () => s.write(Buffer.from([2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0]))),
    );
    await new Promise<void>((r) => bad.listen(sock, r));
    try {
      const xs = await XenstoreClient.connect({ XENSTORED_PATH: sock });
      await expect(xs.read('/a')).rejects.toThrow(/^xenstored sent a malformed message: xenstore message claims 65535 payload bytes$/);
      xs.close();
      await tick();
      expect(unhandled).toEqual([]);
    } finally {
      await new Promise((r) => bad.close(r));
    }
  });
});
