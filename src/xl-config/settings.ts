// The parsed xl.cfg as data, and the typed getters xl uses on it (xlu_cfg_get_string, _long,
// _list in xen-project/xen tools/libs/util/libxlu_cfg.c), with libxl's warning texts.
import type { Position } from './lexer';

/** An atom keeps how it was written: libxl stores both kinds as text and converts on use. */
export interface AtomValue {
  readonly kind: 'string' | 'number';
  readonly text: string;
  readonly start: Position;
}

export interface ListValue {
  readonly kind: 'list';
  readonly items: readonly Value[];
  readonly start: Position;
}

export type Value = AtomValue | ListValue;

export type Operator = '=' | '+=';

export interface Assignment {
  readonly name: string;
  readonly op: Operator;
  /** For `+=`, already joined with the previous value, as libxl does while parsing. */
  readonly value: Value;
  readonly nameAt: Position;
}

export interface XlConfig {
  /** The name errors and warnings are reported under (the file name for a file). */
  readonly source: string;
  /** Every assignment in file order; a later one of the same name hides the earlier. */
  readonly assignments: readonly Assignment[];
}

export type GetFailure = { readonly reason: 'missing' } | { readonly reason: 'wrong-type' | 'invalid'; readonly warning: string };

export type Got<T> = { readonly ok: true; readonly value: T } | ({ readonly ok: false } & GetFailure);

/** The assignment xl uses for a name: the last one in the file. */
export function lookup(config: Pick<XlConfig, 'assignments'>, name: string): Assignment | undefined {
  for (let i = config.assignments.length - 1; i >= 0; i--) {
    const a = config.assignments[i] as Assignment;
    if (a.name === name) return a;
  }
  return undefined;
}

/** Each name once, bound to its effective assignment, in order of first appearance. */
export function effectiveSettings(config: XlConfig): ReadonlyMap<string, Assignment> {
  const names = new Map<string, Assignment>();
  for (const a of config.assignments) names.set(a.name, a);
  return names;
}

export function getString(config: XlConfig, name: string): Got<string> {
  const atom = findAtom(config, name);
  return atom.ok ? { ok: true, value: atom.value.text } : atom;
}

export function getList(config: XlConfig, name: string): Got<readonly Value[]> {
  const a = lookup(config, name);
  if (a === undefined) return { ok: false, reason: 'missing' };
  if (a.value.kind !== 'list') {
    return fail('wrong-type', config, a, `parameter \`${name}' is a single value but should be a list`);
  }
  return { ok: true, value: a.value.items };
}

/** The list's string items, stopping at the first non-string as xl's item loops do. */
export function getStringList(config: XlConfig, name: string): Got<readonly string[]> {
  const list = getList(config, name);
  if (!list.ok) return list;
  const strings: string[] = [];
  for (const item of list.value) {
    if (item.kind === 'list') break;
    strings.push(item.text);
  }
  return { ok: true, value: strings };
}

/** A value in xl.cfg syntax that xl reads back as the same value. */
export function renderValue(value: Value): string {
  // Iterative: lists may nest thousands deep, which a recursive walk cannot follow.
  let out = '';
  const pending: Array<Value | string> = [value];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next === 'string') out += next;
    else if (next.kind !== 'list') out += renderAtom(next);
    else if (next.items.length === 0) out += '[]';
    else {
      // Pushed back to front, so they come off as "[ ", item, ", ", item, ..., " ]".
      pending.push(' ]');
      for (let i = next.items.length - 1; i >= 0; i--) pending.push(next.items[i] as Value, i > 0 ? ', ' : '[ ');
    }
  }
  return out;
}

function renderAtom(atom: AtomValue): string {
  if (atom.kind === 'number') return atom.text;
  // Only the escapes libxl decodes; it has no working numeric escape, so other control
  // characters are written as they are.
  // eslint-disable-next-line no-control-regex -- \a (BEL) is one of libxl's escapes
  const escaped = atom.text.replace(/["\\\x07\b\f\n\r\t\v]/g, (c) => `\\${ESCAPE_LETTER[c] ?? c}`);
  return `"${escaped}"`;
}

const ESCAPE_LETTER: Readonly<Record<string, string>> = { '\x07': 'a', '\b': 'b', '\f': 'f', '\n': 'n', '\r': 'r', '\t': 't', '\v': 'v' };

// C long on the 64-bit hosts Xen runs on.
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** xlu_cfg_get_long: strtol(text, &end, 0) over the whole value; bigint because a long is 64-bit. */
export function getLong(config: XlConfig, name: string, min = LONG_MIN, max = LONG_MAX): Got<bigint> {
  const atom = findAtom(config, name);
  if (!atom.ok) return atom;
  const a = atom.assignment;
  if (a.op === '+=') return fail('invalid', config, a, `can't use += with numbers for parameter \`${name}'`);
  const parsed = strtol(atom.value.text);
  if (parsed === 'range') {
    return fail('invalid', config, a, `parameter \`${name}' could not be parsed as a number: Numerical result out of range`);
  }
  if (parsed === undefined) return fail('invalid', config, a, `parameter \`${name}' is not a valid number`);
  if (parsed < min) return fail('invalid', config, a, `value \`${parsed}' is smaller than minimum bound '${min}'`);
  if (parsed > max) return fail('invalid', config, a, `value \`${parsed}' is greater than maximum bound '${max}'`);
  return { ok: true, value: parsed };
}

/**
 * strtol(text, &end, 0) accepting only when all of text is consumed: leading blanks, a sign, then
 * 0x/0X hex, 0 octal or decimal. 'range' where strtol sets ERANGE (which libxl checks before
 * looking for trailing junk); undefined where xl says "not a valid number".
 */
export function strtol(text: string): bigint | 'range' | undefined {
  const m = /^[ \t\n\v\f\r]*([+-]?)(0[xX](?=[0-9a-fA-F])([0-9a-fA-F]+)|(0[0-7]*)|([1-9][0-9]*))?/.exec(text) as RegExpExecArray;
  const [all, sign, number, hex, octal, decimal] = m;
  if (number === undefined) return undefined;
  const magnitude =
    hex !== undefined ? BigInt(`0x${hex}`) : octal !== undefined ? BigInt(`0o${octal.slice(1) || '0'}`) : BigInt(decimal as string);
  const value = sign === '-' ? -magnitude : magnitude;
  if (value < LONG_MIN || value > LONG_MAX) return 'range';
  return all.length === text.length ? value : undefined;
}

type FoundAtom = { readonly ok: true; readonly value: AtomValue; readonly assignment: Assignment } | ({ readonly ok: false } & GetFailure);

function findAtom(config: XlConfig, name: string): FoundAtom {
  const a = lookup(config, name);
  if (a === undefined) return { ok: false, reason: 'missing' };
  if (a.value.kind === 'list') {
    return fail('wrong-type', config, a, `parameter \`${name}' is a list but should be a single value`);
  }
  return { ok: true, value: a.value, assignment: a };
}

// libxl reports these under the line of the value's first token.
function fail(reason: 'wrong-type' | 'invalid', config: XlConfig, a: Assignment, text: string) {
  return { ok: false as const, reason, warning: `${config.source}:${a.value.start.line}: warning: ${text}` };
}
