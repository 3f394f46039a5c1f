// XML-RPC text → values, with xml2js. Accepts both forms the SM wire carries: xapi's (xml-light: no
// prolog, untyped `<value>text</value>`, `<value/>` for "", `<struct/>`, `<data/>`) and Python's
// (prolog, newlines, `<string>` tags). Text is never trimmed: a VDI named " a " keeps its spaces.
import { parseStringPromise } from 'xml2js';
import { XmlRpcDateTime, type XmlRpcFault, type XmlRpcStruct, type XmlRpcValue } from './xmlrpc-value';

export class XmlRpcDecodeError extends Error {
  override readonly name = 'XmlRpcDecodeError';
}

// explicitChildren + preserveChildrenOrder: every element's child elements, in document order, in
// `$$`, each tagged with `#name`; explicitCharkey: its text (when any) in `_`.
interface Node {
  readonly '#name': string;
  readonly _?: string;
  readonly $$?: readonly Node[];
}

const OPTIONS = {
  explicitChildren: true,
  preserveChildrenOrder: true,
  charsAsChildren: false,
  includeWhiteChars: true,
  explicitCharkey: true,
  trim: false,
  normalize: false,
};

// xml2js drops text that is only whitespace (it cannot tell it from indentation), but a VDI named
// " " arrives as `<value> </value>`. Whitespace inside CDATA survives, so such strings are wrapped.
const BLANK_STRING = /<(value|string)>([ \t\r\n]+)<\/\1>/g;

async function parseRoot(xml: string, rootName: string): Promise<Node> {
  let doc: Record<string, Node>;
  try {
    doc = (await parseStringPromise(xml.replace(BLANK_STRING, '<$1><![CDATA[$2]]></$1>'), OPTIONS)) as Record<string, Node>;
  } catch (e) {
    throw new XmlRpcDecodeError(`not well-formed XML: ${firstLine((e as Error).message)}`);
  }
  const root = doc === null || typeof doc !== 'object' ? undefined : doc[rootName];
  if (root === undefined) {
    const found = doc === null || typeof doc !== 'object' ? 'nothing' : `<${Object.keys(doc)[0] ?? ''}>`;
    throw new XmlRpcDecodeError(`expected <${rootName}>, found ${found}`);
  }
  return root;
}

function children(node: Node): readonly Node[] {
  return node.$$ ?? [];
}

function only(node: Node, name: string): Node {
  const kids = children(node);
  const first = kids[0];
  if (kids.length !== 1 || first === undefined || first['#name'] !== name) {
    throw new XmlRpcDecodeError(`<${node['#name']}> must hold exactly one <${name}>, found ${describe(kids)}`);
  }
  return first;
}

function describe(kids: readonly Node[]): string {
  return kids.length === 0 ? 'none' : kids.map((k) => `<${k['#name']}>`).join('');
}

function text(node: Node): string {
  return node._ ?? '';
}

const INT = /^[+-]?[0-9]+$/;
const DOUBLE = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/** One `<value>` element → its value. */
export function decodeValue(value: Node): XmlRpcValue {
  const kids = children(value);
  if (kids.length === 0) return text(value); // untyped: a string
  const typed = only(value, kids[0]?.['#name'] ?? '');
  const raw = text(typed);
  switch (typed['#name']) {
    case 'string':
      return raw;
    case 'int':
    case 'i4':
    case 'i8': {
      const t = raw.trim();
      if (!INT.test(t)) throw new XmlRpcDecodeError(`<${typed['#name']}> holds '${raw}', not an integer`);
      return Number(t);
    }
    case 'double': {
      const t = raw.trim();
      if (!DOUBLE.test(t)) throw new XmlRpcDecodeError(`<double> holds '${raw}', not a number`);
      return Number(t);
    }
    case 'boolean': {
      const t = raw.trim();
      if (t !== '0' && t !== '1') throw new XmlRpcDecodeError(`<boolean> holds '${raw}', not 0 or 1`);
      return t === '1';
    }
    case 'nil':
      return null;
    case 'dateTime.iso8601':
      return new XmlRpcDateTime(raw.trim());
    case 'array':
      return children(only(typed, 'data')).map((v) => {
        if (v['#name'] !== 'value') throw new XmlRpcDecodeError(`<data> holds <${v['#name']}>, not <value>`);
        return decodeValue(v);
      });
    case 'struct': {
      const out: Record<string, XmlRpcValue> = {};
      for (const member of children(typed)) {
        if (member['#name'] !== 'member') throw new XmlRpcDecodeError(`<struct> holds <${member['#name']}>, not <member>`);
        const [name, val, ...rest] = children(member);
        if (name?.['#name'] !== 'name' || val?.['#name'] !== 'value' || rest.length > 0) {
          throw new XmlRpcDecodeError(`a <member> must be <name> then <value>, found ${describe(children(member))}`);
        }
        out[text(name)] = decodeValue(val);
      }
      return out as XmlRpcStruct;
    }
    default:
      throw new XmlRpcDecodeError(`unsupported XML-RPC type <${typed['#name']}>`);
  }
}

export interface MethodCall {
  readonly methodName: string;
  readonly params: readonly XmlRpcValue[];
}

export async function decodeMethodCall(xml: string): Promise<MethodCall> {
  const root = await parseRoot(xml, 'methodCall');
  const kids = children(root);
  const nameNode = kids.find((k) => k['#name'] === 'methodName');
  if (nameNode === undefined) throw new XmlRpcDecodeError('<methodCall> has no <methodName>');
  const paramsNode = kids.find((k) => k['#name'] === 'params');
  const params =
    paramsNode === undefined
      ? []
      : children(paramsNode).map((p) => {
          if (p['#name'] !== 'param') throw new XmlRpcDecodeError(`<params> holds <${p['#name']}>, not <param>`);
          return decodeValue(only(p, 'value'));
        });
  return { methodName: text(nameNode).trim(), params };
}

export type MethodResponse =
  { readonly kind: 'result'; readonly value: XmlRpcValue } | { readonly kind: 'fault'; readonly fault: XmlRpcFault };

export async function decodeMethodResponse(xml: string): Promise<MethodResponse> {
  const root = await parseRoot(xml, 'methodResponse');
  const [first, ...rest] = children(root);
  if (first === undefined || rest.length > 0)
    throw new XmlRpcDecodeError(`<methodResponse> must hold <params> or <fault>, found ${describe(children(root))}`);
  if (first['#name'] === 'params') {
    const param = only(first, 'param');
    return { kind: 'result', value: decodeValue(only(param, 'value')) };
  }
  if (first['#name'] === 'fault') {
    const v = decodeValue(only(first, 'value'));
    const code = typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as XmlRpcStruct).faultCode : undefined;
    const str = typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as XmlRpcStruct).faultString : undefined;
    if (typeof code !== 'number' || typeof str !== 'string')
      throw new XmlRpcDecodeError('a <fault> must be a struct of faultCode (int) and faultString (string)');
    return { kind: 'fault', fault: { faultCode: code, faultString: str } };
  }
  throw new XmlRpcDecodeError(`<methodResponse> holds <${first['#name']}>, not <params> or <fault>`);
}

function firstLine(s: string): string {
  return s
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ');
}
