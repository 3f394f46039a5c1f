// A small xenstored for contract tests: the real xenstore wire protocol on a unix socket, a
// path → value tree, relative paths resolved against dom0's home as the real daemon does.
// No hypervisor runs here, so neither real daemon can (see docs/toolchain.md §3); the
// real Debian xenstore-* clients talk to this one through XENSTORED_PATH.
import { createServer, type Server, type Socket } from 'node:net';
import { MessageDecoder, XsType, encodeMessage, nulTerminated } from '../../src/xenstore/wire';

const HOME = '/local/domain/0';

export class TestXenstored {
  readonly tree = new Map<string, string>([['/', '']]);
  /** Every request seen, as `TYPE path`, to assert what a client did. */
  readonly requests: string[] = [];
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private stallMatch?: (type: number, path: string) => boolean;
  private stalled = false;

  constructor(readonly socketPath: string) {}

  async start(): Promise<void> {
    this.server = createServer((socket) => this.serve(socket));
    await new Promise<void>((resolve) => this.server!.listen(this.socketPath, resolve));
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  static absolute(path: string): string {
    return path.startsWith('/') ? path : `${HOME}/${path}`;
  }

  set(path: string, value: string): void {
    const abs = TestXenstored.absolute(path);
    const parts = abs.split('/').filter(Boolean);
    for (let i = 1; i < parts.length; i++) {
      const parent = `/${parts.slice(0, i).join('/')}`;
      if (!this.tree.has(parent)) this.tree.set(parent, '');
    }
    this.tree.set(abs, value);
  }

  /** From the first request `match` accepts on, answer nothing more: a hung xenstored. */
  stallFrom(match: (type: number, path: string) => boolean): void {
    this.stallMatch = match;
  }

  get(path: string): string | undefined {
    return this.tree.get(TestXenstored.absolute(path));
  }

  private children(abs: string): string[] {
    const prefix = abs === '/' ? '/' : `${abs}/`;
    const names = new Set<string>();
    for (const k of this.tree.keys()) {
      if (k !== abs && k.startsWith(prefix)) names.add(k.slice(prefix.length).split('/')[0] as string);
    }
    return [...names];
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    const decoder = new MessageDecoder();
    socket.on('data', (chunk: Buffer) => {
      for (const m of decoder.push(chunk)) {
        const reply = (type: number, payload: Buffer) => socket.write(encodeMessage({ type, reqId: m.reqId, txId: m.txId, payload }));
        const fail = (errno: string) => reply(XsType.Error, nulTerminated(errno));
        const nul = m.payload.indexOf(0);
        const path = m.payload.subarray(0, nul < 0 ? m.payload.length : nul).toString('utf8');
        const abs = TestXenstored.absolute(path);
        this.requests.push(`${m.type} ${path}`);
        if (this.stalled || this.stallMatch?.(m.type, path) === true) {
          this.stalled = true;
          continue;
        }
        switch (m.type) {
          case XsType.Read: {
            const v = this.tree.get(abs);
            if (v === undefined) fail('ENOENT');
            else reply(m.type, Buffer.from(v, 'utf8'));
            break;
          }
          case XsType.Write:
            this.set(abs, m.payload.subarray(nul + 1).toString('utf8'));
            reply(m.type, nulTerminated('OK'));
            break;
          case XsType.Mkdir:
            if (!this.tree.has(abs)) this.set(abs, '');
            reply(m.type, nulTerminated('OK'));
            break;
          case XsType.Directory:
            if (!this.tree.has(abs)) fail('ENOENT');
            else reply(m.type, nulTerminated(...this.children(abs)));
            break;
          case XsType.Rm:
            if (!this.tree.has(abs)) fail('ENOENT');
            else {
              for (const k of [...this.tree.keys()]) if (k === abs || k.startsWith(`${abs}/`)) this.tree.delete(k);
              reply(m.type, nulTerminated('OK'));
            }
            break;
          case XsType.TransactionStart:
            reply(m.type, nulTerminated('1'));
            break;
          case XsType.TransactionEnd:
            reply(m.type, nulTerminated('OK'));
            break;
          case 3: // GET_PERMS: the CLI asks before some writes; everyone may do anything here
            reply(m.type, nulTerminated('n0'));
            break;
          case 14: // SET_PERMS
            reply(m.type, nulTerminated('OK'));
            break;
          default:
            fail('ENOSYS');
        }
      }
    });
  }
}
