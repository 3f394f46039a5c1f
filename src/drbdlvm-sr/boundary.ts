// The one place that speaks to xapi: argv (the methodCall in argv[1]) in, the text for stdout out.
// Everything thrown becomes a fault with a stable code; the process then exits 0 whatever happened,
// because xapi reads a non-zero exit as an opaque SR_BACKEND_FAILURE (docs/smapi.md §1).
import { HANDLERS, type HandlerContext } from './dispatch';
import { SR_ERRORS, SrError, faultString } from './errors';
import { toSmRequest } from './request';
import { XapiFailure } from './xapi-rpc';
import { XmlRpcDecodeError, decodeMethodCall } from './xmlrpc-decode';
import { encodeFault, encodeResponse } from './xmlrpc-encode';

export interface Answer {
  readonly stdout: string;
  /** For the log: the command (when decoded) and the fault (when one). */
  readonly command?: string;
  readonly fault?: { readonly code: number; readonly message: string };
}

/** `args` is process.argv after the node binary and script: exactly one element, the methodCall. */
export async function answer(args: readonly string[], ctx: HandlerContext): Promise<Answer> {
  let command: string | undefined;
  try {
    if (args.length !== 1 || args[0] === undefined) {
      throw new SrError('BadRequest', `expected the XML-RPC methodCall as the only argument, got ${args.length} arguments`);
    }
    let call;
    try {
      call = await decodeMethodCall(args[0]);
    } catch (e) {
      if (e instanceof XmlRpcDecodeError) throw new SrError('SRBadXML', e.message);
      throw e;
    }
    command = call.methodName;
    const req = toSmRequest(call);
    const value = await HANDLERS[req.command](req, ctx);
    return { stdout: encodeResponse(value), command };
  } catch (e) {
    const { code, message } = toFault(e);
    return { stdout: encodeFault({ faultCode: code, faultString: message }), command, fault: { code, message } };
  }
}

export function toFault(e: unknown): { code: number; message: string } {
  if (e instanceof SrError) return { code: e.code, message: e.message };
  // A XenAPI call the driver made failed: xapi's error name and parameters, under APISession.
  if (e instanceof XapiFailure) return { code: SR_ERRORS.APISession.code, message: faultString('APISession', e.message) };
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return { code: SR_ERRORS.GenericException.code, message: faultString('GenericException', text) };
}
