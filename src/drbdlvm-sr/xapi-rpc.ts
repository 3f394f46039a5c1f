// XenAPI over XML-RPC on xapi's local Unix socket (docs/smapi.md §7): HTTP POST to `/` on
// /var/lib/xcp/xapi, results wrapped as {Status: "Success", Value} or {Status: "Failure",
// ErrorDescription: [code, ...params]}. The session is the one xapi passed in the call: never
// logged in, never cached. `Subtask-of` ties the calls to xapi's task, as Python SM does.
import type * as Http from 'node:http';
import { decodeMethodResponse } from './xmlrpc-decode';
import { encodeMethodCall } from './xmlrpc-encode';
import { isStruct, type XmlRpcValue } from './xmlrpc-value';

// Required at the first call, not at start: Node 18 cannot hold http in a V8 start-up snapshot
// (src/startup-snapshot).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const http = (): typeof Http => require('node:http') as typeof Http;

export const XAPI_SOCKET = '/var/lib/xcp/xapi';

/** xapi answered Failure: `code` is the XenAPI error name (e.g. MAP_DUPLICATE_KEY). */
export class XapiFailure extends Error {
  override readonly name = 'XapiFailure';
  constructor(
    readonly method: string,
    readonly description: readonly string[],
  ) {
    super(`${method}: ${description.join(' ')}`);
  }

  get code(): string {
    return this.description[0] ?? '';
  }
}

export interface XapiRpcOptions {
  readonly socketPath?: string;
  readonly subtaskOf?: string;
  readonly timeoutMs?: number;
}

export type XapiCall = (method: string, ...params: XmlRpcValue[]) => Promise<XmlRpcValue>;

/** A caller bound to one session: `call('VDI.get_uuid', ref)` sends (session, ref). */
export function xapiCaller(sessionRef: string, options: XapiRpcOptions = {}): XapiCall {
  return async (method, ...params) => {
    const body = encodeMethodCall(method, [sessionRef, ...params]);
    const text = await post(body, options);
    const response = await decodeMethodResponse(text);
    if (response.kind === 'fault') throw new XapiFailure(method, [`XML-RPC fault ${response.fault.faultCode}`, response.fault.faultString]);
    const v = response.value;
    if (!isStruct(v)) throw new XapiFailure(method, ['PROTOCOL', 'the result is not a {Status, Value} struct']);
    if (v.Status === 'Success') return v.Value ?? null;
    const desc = Array.isArray(v.ErrorDescription) ? v.ErrorDescription.map(String) : ['UNKNOWN', JSON.stringify(v)];
    throw new XapiFailure(method, desc);
  };
}

function post(body: string, options: XapiRpcOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {
      'Content-Type': 'text/xml',
      'Content-Length': Buffer.byteLength(body),
      'User-Agent': 'drbdlvm',
    };
    if (options.subtaskOf !== undefined) headers['Subtask-of'] = options.subtaskOf;
    const req = http().request({ socketPath: options.socketPath ?? XAPI_SOCKET, path: '/', method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () =>
        res.statusCode === 200 ? resolve(text) : reject(new Error(`xapi answered HTTP ${res.statusCode}: ${text.slice(0, 200)}`)),
      );
    });
    req.setTimeout(options.timeoutMs ?? 60_000, () =>
      req.destroy(new Error(`xapi did not answer within ${options.timeoutMs ?? 60_000} ms`)),
    );
    req.on('error', reject);
    req.end(body);
  });
}
