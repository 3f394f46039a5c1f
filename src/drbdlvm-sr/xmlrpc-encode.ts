// Values → XML-RPC text. Hand-written rather than xml2js's Builder: the output must be byte-stable
// and exactly what xapi parses (docs/smapi.md §5), and the Builder can produce neither `<nil/>` inside
// an unindented `<value>`, nor Python's layout, nor xapi's untyped-string form. The whole encoder is
// the five value shapes below.
//
// Responses copy what Python SM prints (`xmlrpc.client.dumps(..., methodresponse=True,
// allow_none=True)`), the form every xapi since XenServer 5 has parsed. Requests come in two
// styles: 'python' (what XenAPI clients send xapi) and 'xapi' (xml-light, as xapi sends to SM;
// docs/smapi.md §3), which the tests and the simulator use to replay xapi byte for byte.
import { XmlRpcDateTime, type XmlRpcFault, type XmlRpcValue } from './xmlrpc-value';

// XML 1.0 forbids these even escaped; xapi's parser would reject the whole response. Python SM
// prints them raw (and xapi then fails with an unparsable-stdout SR_BACKEND_FAILURE), so replacing
// them is a deliberate difference: a tool's stray control character must not hide the real fault.
const ILLEGAL =
  // eslint-disable-next-line no-control-regex -- these control characters are what it removes
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function escapeXml(s: string): string {
  return s.replace(ILLEGAL, '\ufffd').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function pythonValue(v: XmlRpcValue): string {
  if (v === null) return '<value><nil/></value>';
  if (typeof v === 'string') return `<value><string>${escapeXml(v)}</string></value>\n`;
  if (typeof v === 'boolean') return `<value><boolean>${v ? 1 : 0}</boolean></value>\n`;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError(`XML-RPC cannot carry the number ${v}`);
    return Number.isInteger(v) ? `<value><int>${v}</int></value>\n` : `<value><double>${v}</double></value>\n`;
  }
  if (v instanceof XmlRpcDateTime) return `<value><dateTime.iso8601>${escapeXml(v.iso)}</dateTime.iso8601></value>\n`;
  if (Array.isArray(v)) return `<value><array><data>\n${v.map(pythonValue).join('')}</data></array></value>\n`;
  const members = Object.entries(v).map(([k, m]) => `<member>\n<name>${escapeXml(k)}</name>\n${pythonValue(m as XmlRpcValue)}</member>\n`);
  return `<value><struct>\n${members.join('')}</struct></value>\n`;
}

const HEADER = "<?xml version='1.0'?>\n";

/** A successful SM response: one param. Unit results are `null` (→ `<nil/>`, which xapi requires). */
export function encodeResponse(value: XmlRpcValue): string {
  return `${HEADER}<methodResponse>\n<params>\n<param>\n${pythonValue(value)}</param>\n</params>\n</methodResponse>\n`;
}

export function encodeFault(fault: XmlRpcFault): string {
  if (!Number.isInteger(fault.faultCode)) throw new TypeError(`a fault code must be an integer, not ${fault.faultCode}`);
  const body = pythonValue({ faultCode: fault.faultCode, faultString: fault.faultString });
  return `${HEADER}<methodResponse>\n<fault>\n${body}</fault>\n</methodResponse>\n`;
}

// xml-light's form (xapi's XMLRPC.To): every scalar an untyped string, empty containers
// self-closed, no whitespace anywhere.
function xapiValue(v: XmlRpcValue): string {
  if (typeof v === 'string') return v === '' ? '<value/>' : `<value>${escapeXml(v)}</value>`;
  if (Array.isArray(v))
    return v.length === 0
      ? '<value><array><data/></array></value>'
      : `<value><array><data>${v.map(xapiValue).join('')}</data></array></value>`;
  if (v === null || typeof v !== 'object' || v instanceof XmlRpcDateTime) {
    throw new TypeError(`xapi sends SM only strings, arrays and structs, not ${JSON.stringify(v)}`);
  }
  const members = Object.entries(v).map(([k, m]) => `<member><name>${escapeXml(k)}</name>${xapiValue(m as XmlRpcValue)}</member>`);
  return members.length === 0 ? '<value><struct/></value>' : `<value><struct>${members.join('')}</struct></value>`;
}

export function encodeMethodCall(methodName: string, params: readonly XmlRpcValue[], style: 'python' | 'xapi' = 'python'): string {
  if (style === 'xapi') {
    const ps = params.map((p) => `<param>${xapiValue(p)}</param>`).join('');
    return `<methodCall><methodName>${escapeXml(methodName)}</methodName><params>${ps}</params></methodCall>`;
  }
  const ps = params.map((p) => `<param>\n${pythonValue(p)}</param>\n`).join('');
  return `${HEADER}<methodCall>\n<methodName>${escapeXml(methodName)}</methodName>\n<params>\n${ps}</params>\n</methodCall>\n`;
}
