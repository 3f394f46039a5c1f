// A xenstore client speaking the wire protocol itself: one connection for the whole run instead of
// one xenstore-read/-write process per key. Found the way libxenstore finds xenstored: the socket
// at $XENSTORED_PATH or $XENSTORED_RUNDIR/socket (default /var/run/xenstored/socket), else the
// /dev/xen/xenbus device (xenstored in a stub domain).
import { createConnection, type Socket } from 'node:net';
import type { FileHandle } from 'node:fs/promises';
import { MessageDecoder, XsType, encodeMessage, nulTerminated, splitNul, writePayload, type XsMessage } from './wire';

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

export class XenstoreClient implements XenstorePort {
  private nextReqId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly decoder = new MessageDecoder();

  // Set once by connect(), before any request can be made.
  private link!: Transport;

  private constructor() {}

  static async connect(env: NodeJS.ProcessEnv = process.env, timeoutMs = 5000): Promise<XenstoreClient> {
    const socketPath = env.XENSTORED_PATH ?? `${env.XENSTORED_RUNDIR ?? '/var/run/xenstored'}/socket`;
    const client = new XenstoreClient();
    try {
      client.link = await connectSocket(socketPath, client, timeoutMs);
    } catch (socketError) {
      try {
        client.link = await openDevice('/dev/xen/xenbus', client);
      } catch {
        throw new Error(`cannot reach xenstored at ${socketPath} (${(socketError as Error).message}) or /dev/xen/xenbus`);
      }
    }
    return client;
  }

  /** Called by the transport with bytes from xenstored. */
  receive(chunk: Buffer): void {
    for (const m of this.decoder.push(chunk)) {
      if (m.type === XsType.WatchEvent) continue; // we set no watches; ignore strays
      const p = this.pending.get(m.reqId);
      if (p === undefined) continue;
      this.pending.delete(m.reqId);
      p.resolve(m);
    }
  }

  /** Called by the transport when the link breaks: every waiting request fails. */
  fail(error: Error): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  private async request(type: XsType, payload: Buffer, path: string, op: string): Promise<Buffer> {
    const reqId = this.nextReqId++;
    const reply = new Promise<XsMessage>((resolve, reject) => this.pending.set(reqId, { resolve, reject }));
    await this.link.send(encodeMessage({ type, reqId, txId: 0, payload }));
    const m = await reply;
    if (m.type === XsType.Error) throw new XenstoreError(splitNul(m.payload)[0] ?? 'EIO', path, op);
    return m.payload;
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
    this.link.close();
  }
}

function connectSocket(path: string, client: XenstoreClient, timeoutMs: number): Promise<Transport> {
  return new Promise((resolve, reject) => {
    const socket: Socket = createConnection(path);
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
      socket.on('close', () => client.fail(new Error('xenstored closed the connection')));
      resolve({
        send: (bytes) =>
          new Promise((ok, ko) => socket.write(bytes, (e) => (e ? ko(e) : ok()))),
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
    close: () => void handle.close(),
  };
}
