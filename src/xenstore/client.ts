// A xenstore client speaking the wire protocol itself: one connection for the whole run instead of
// one xenstore-read/-write process per key. Found the way libxenstore finds xenstored: the socket
// at $XENSTORED_PATH or $XENSTORED_RUNDIR/socket (default /var/run/xenstored/socket), else the
// /dev/xen/xenbus device (xenstored in a stub domain).
//
// Every request is bounded by the run's deadline. xenstored answers in milliseconds, so one that
// has not answered within REQUEST_MAX_MS is taken as hung: that request and every later one fail
// at once, and the run ends, undoing what it did, before libxl's SIGKILL.
import type * as Net from 'node:net';
import type { FileHandle } from 'node:fs/promises';
import { Deadline } from '../exec/deadline';
import { MessageDecoder, XsType, encodeMessage, nulTerminated, splitNul, writePayload, type XsMessage } from './wire';

// Required when a socket is opened, not at start: Node 18 cannot hold net in a V8 start-up snapshot
// (src/startup-snapshot).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const net = (): typeof Net => require('node:net') as typeof Net;

export class XenstoreError extends Error {
  override readonly name = 'XenstoreError';
  constructor(
    readonly errno: string,
    readonly path: string,
    operation: string,
  ) {
    super(`xenstore ${operation} ${path}: ${errno}`);
  }
}

/** xenstored did not answer, closed the connection or sent garbage: nothing more can be asked of it. */
export class XenstoreUnavailable extends Error {
  override readonly name = 'XenstoreUnavailable';
}

/** What the hotplug flow needs from xenstore. Paths may be relative to this domain's home. */
export interface XenstorePort {
  read(path: string): Promise<string | undefined>;
  write(path: string, value: string): Promise<void>;
  list(path: string): Promise<string[]>;
  rm(path: string): Promise<void>;
  close(): void;
}

interface Transport {
  send(bytes: Buffer): Promise<void>;
  close(): void;
}

type Pending = { resolve: (m: XsMessage) => void; reject: (e: Error) => void };

/** The longest a request waits for its answer (less when the deadline is nearer). */
const REQUEST_MAX_MS = 5000;
/** The least it waits, even past the deadline: a run's last words (its hotplug-error) need it. */
const REQUEST_MIN_MS = 1000;
/** Without a deadline from the caller (the admin CLI, tests): requests are still bounded one by one. */
const NO_DEADLINE_MS = 10 * 60_000;

export class XenstoreClient implements XenstorePort {
  private nextReqId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly decoder = new MessageDecoder();
  /** Set once the link is unusable; every later request fails with it. */
  private broken: XenstoreUnavailable | undefined;

  // Set once by connect(), before any request can be made.
  private link!: Transport;

  private constructor(private readonly deadline: Deadline) {}

  static async connect(env: NodeJS.ProcessEnv = process.env, deadline = new Deadline(NO_DEADLINE_MS)): Promise<XenstoreClient> {
    const socketPath = env.XENSTORED_PATH ?? `${env.XENSTORED_RUNDIR ?? '/var/run/xenstored'}/socket`;
    const client = new XenstoreClient(deadline);
    try {
      client.link = await connectSocket(socketPath, client, client.waitMs());
    } catch (socketError) {
      try {
        client.link = await openDevice('/dev/xen/xenbus', client);
      } catch {
        throw new XenstoreUnavailable(`cannot reach xenstored at ${socketPath} (${(socketError as Error).message}) or /dev/xen/xenbus`);
      }
    }
    return client;
  }

  private waitMs(): number {
    return Math.max(REQUEST_MIN_MS, Math.min(REQUEST_MAX_MS, this.deadline.remainingMs()));
  }

  /** Called by the transport with bytes from xenstored. */
  receive(chunk: Buffer): void {
    let messages: XsMessage[];
    try {
      messages = this.decoder.push(chunk);
    } catch (e) {
      this.fail(new XenstoreUnavailable(`xenstored sent a malformed message: ${(e as Error).message}`));
      return;
    }
    for (const m of messages) {
      if (m.type === XsType.WatchEvent) continue; // we set no watches; ignore strays
      const p = this.pending.get(m.reqId);
      if (p === undefined) continue;
      this.pending.delete(m.reqId);
      p.resolve(m);
    }
  }

  /** Called when the link breaks or a request goes unanswered: every waiting request fails, and every later one. */
  fail(error: Error): void {
    this.broken ??= error instanceof XenstoreUnavailable ? error : new XenstoreUnavailable(error.message);
    for (const p of this.pending.values()) p.reject(this.broken);
    this.pending.clear();
  }

  private async request(type: XsType, payload: Buffer, path: string, op: string): Promise<Buffer> {
    if (this.broken !== undefined) throw new XenstoreUnavailable(`xenstore ${op} ${path} not sent: ${this.broken.message}`);
    const reqId = this.nextReqId++;
    // Encoded before a reply is awaited: a payload over the limit fails here and leaves nothing behind.
    let bytes: Buffer;
    try {
      bytes = encodeMessage({ type, reqId, txId: 0, payload });
    } catch (e) {
      throw new RangeError(`xenstore ${op}: ${(e as Error).message}`, { cause: e });
    }
    const waitMs = this.waitMs();
    let timer: NodeJS.Timeout | undefined;
    const reply = new Promise<XsMessage>((resolve, reject) => {
      this.pending.set(reqId, { resolve, reject });
      timer = setTimeout(
        () => this.fail(new XenstoreUnavailable(`xenstored did not answer '${op} ${path}' within ${(waitMs / 1000).toFixed(1)} s`)),
        waitMs,
      );
    });
    try {
      await this.link.send(bytes);
      const m = await reply;
      if (m.type === XsType.Error) throw new XenstoreError(splitNul(m.payload)[0] ?? 'EIO', path, op);
      return m.payload;
    } catch (e) {
      if (e instanceof XenstoreError || e instanceof XenstoreUnavailable) throw e;
      this.fail(e as Error); // the link itself failed
      throw this.broken ?? e;
    } finally {
      clearTimeout(timer);
      this.pending.delete(reqId);
      reply.catch(() => undefined); // settled by fail() after we stopped waiting: nobody needs it
    }
  }

  async read(path: string): Promise<string | undefined> {
    try {
      return (await this.request(XsType.Read, nulTerminated(path), path, 'read')).toString('utf8');
    } catch (e) {
      if (e instanceof XenstoreError && e.errno === 'ENOENT') return undefined;
      throw e;
    }
  }

  async write(path: string, value: string): Promise<void> {
    await this.request(XsType.Write, writePayload(path, value), path, 'write');
  }

  async list(path: string): Promise<string[]> {
    try {
      return splitNul(await this.request(XsType.Directory, nulTerminated(path), path, 'list'));
    } catch (e) {
      if (e instanceof XenstoreError && e.errno === 'ENOENT') return [];
      throw e;
    }
  }

  async rm(path: string): Promise<void> {
    try {
      await this.request(XsType.Rm, nulTerminated(path), path, 'rm');
    } catch (e) {
      if (!(e instanceof XenstoreError && e.errno === 'ENOENT')) throw e;
    }
  }

  close(): void {
    this.broken ??= new XenstoreUnavailable('the connection to xenstored was closed');
    this.link.close();
  }
}

function connectSocket(path: string, client: XenstoreClient, timeoutMs: number): Promise<Transport> {
  return new Promise((resolve, reject) => {
    const socket: Net.Socket = net().createConnection(path);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.on('data', (d: Buffer) => client.receive(d));
      socket.on('error', (e) => client.fail(e));
      socket.on('close', () => client.fail(new XenstoreUnavailable('xenstored closed the connection')));
      resolve({
        send: (bytes) => new Promise((ok, ko) => socket.write(bytes, (e) => (e ? ko(e) : ok()))),
        close: () => socket.destroy(),
      });
    });
  });
}

async function openDevice(path: string, client: XenstoreClient): Promise<Transport> {
  // Loaded only here: fs/promises brings ten internal modules every run would otherwise start.
  const { open } = await import('node:fs/promises');
  const handle: FileHandle = await open(path, 'r+');
  // The device answers each written request with one reply; read it back right after writing.
  return {
    send: async (bytes) => {
      await handle.write(bytes);
      const buf = Buffer.alloc(16 + 4096);
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      client.receive(buf.subarray(0, bytesRead));
    },
    close: () => void handle.close().catch(() => undefined),
  };
}
