// xl.cfg text → XlConfig, accepting exactly the grammar of xen-project/xen
// tools/libs/util/libxlu_cfg_y.y and failing with the messages xl prints for the same input.
//
// Where libxl's bison parser reports an error depends on its LALR default reductions; the
// expected-token lists below are what it prints in each context (checked against the real
// parser for every token in every context), not what the grammar would strictly allow.
import { Lexer, type LexError, type Position, type Token, type TokenKind } from './lexer';
import { lookup, type Assignment, type AtomValue, type ListValue, type Operator, type Value, type XlConfig } from './settings';

export interface ConfigParseError {
  readonly kind: 'config-parse-error';
  readonly source: string;
  readonly at: Position;
  /** libxl's text: "config parsing error near `...': ..." */
  readonly message: string;
  /** Python-only syntax was seen, so xl adds its "contains Python code" warning. */
  readonly likelyPython: boolean;
}

export type ParseResult = { readonly ok: true; readonly config: XlConfig } | { readonly ok: false; readonly error: ConfigParseError };

export function parseConfig(text: string, source: string): ParseResult {
  const lexer = new Lexer(text);
  try {
    return { ok: true, config: { source, assignments: new Parser(lexer).file() } };
  } catch (e) {
    if (!(e instanceof Failure)) throw e;
    // libxl keeps scanning after an error, so its Python warning reflects the whole file.
    while (lexer.next().kind !== 'END');
    const error = { kind: 'config-parse-error', source, at: e.at, message: e.message, likelyPython: lexer.likelyPython } as const;
    return { ok: false, error };
  }
}

/** The warning xl prints after a parse error in a file that looks like Python. */
export const PYTHON_WARNING = [
  'warning: Config file looks like it contains Python code.',
  'warning:  Arbitrary Python is no longer supported.',
  'warning:  See https://wiki.xen.org/wiki/PythonInXlConfig',
] as const;

export function formatConfigParseError(e: ConfigParseError): string {
  return `${e.source}:${e.at.line}:${e.at.column}: ${e.message}`;
}

// Internal unwinding only: parseConfig turns it into a result, so no caller ever sees it thrown.
class Failure extends Error {
  constructor(
    readonly at: Position,
    near: string,
    detail: string,
  ) {
    super(`config parsing error near ${near}: ${detail}`);
  }
}

type Expected = 'statement' | 'operator' | 'value' | 'end' | 'list';

const EXPECTING: Record<Expected, string> = {
  statement: "$end or IDENT or NEWLINE or ';'",
  operator: "+= or '='",
  value: "STRING or NUMBER or '['",
  end: '$end',
  list: "']'",
};

const TOKEN_NAME: Record<TokenKind, string> = {
  IDENT: 'IDENT',
  NUMBER: 'NUMBER',
  STRING: 'STRING',
  NEWLINE: 'NEWLINE',
  ADD: '+=',
  '=': "'='",
  ';': "';'",
  '[': "'['",
  ']': "']'",
  ',': "','",
  END: '$end',
};

const YYMAXDEPTH = 10000;

/** A list whose ']' is still to come. */
interface OpenList {
  readonly start: Position;
  readonly items: Value[];
  /** bison's stack depth just inside the '['. */
  readonly inside: number;
}

class Parser {
  readonly assignments: Assignment[] = [];
  private last: Token | undefined;
  /** Entries on bison's stack: its initial state, `stmts`, IDENT and the operator before a value. */
  private depth = 4;

  constructor(private readonly lexer: Lexer) {}

  file(): Assignment[] {
    for (;;) {
      const t = this.next();
      if (t.kind === 'END') return this.assignments;
      if (t.kind === 'NEWLINE' || t.kind === ';') continue;
      if (t.kind !== 'IDENT') throw syntaxError(t, 'statement');
      this.assignment(t);
      const after = this.next();
      if (after.kind === 'END') return this.assignments;
      if (after.kind !== 'NEWLINE' && after.kind !== ';') throw syntaxError(after, 'end');
    }
  }

  private assignment(name: Token): void {
    const opToken = this.next();
    if (opToken.kind !== '=' && opToken.kind !== 'ADD') throw syntaxError(opToken, 'operator');
    const op: Operator = opToken.kind === 'ADD' ? '+=' : '=';
    this.depth = 4;
    const value = this.value(this.next(), 'value');
    const previous = op === '+=' ? lookup(this, name.value) : undefined;
    const joined = previous === undefined ? value : this.join(previous.value, value);
    this.assignments.push({ name: name.value, op, value: joined, nameAt: name.start });
  }

  private value(t: Token, context: Expected): Value {
    if (t.kind === 'STRING' || t.kind === 'NUMBER') {
      this.push();
      return { kind: t.kind === 'STRING' ? 'string' : 'number', text: t.value, start: t.start };
    }
    if (t.kind !== '[') throw syntaxError(t, context);
    return this.list(t.start);
  }

  // After '[' every error is reported as "expecting ']'", whatever the grammar would allow.
  // Iterative, as nesting may run thousands deep; the pushes and pops retrace bison's stack for
  // '[' nlok (values ',' nlok)* ']' so that deep nesting fails where libxl's does.
  private list(start: Position): ListValue {
    const open: OpenList[] = [];
    let current = this.open(start);
    let t = this.skipNewlines();
    for (;;) {
      let item: Value;
      if (t.kind === '[') {
        open.push(current);
        current = this.open(t.start);
        t = this.skipNewlines();
        continue;
      } else if (t.kind === 'STRING' || t.kind === 'NUMBER') {
        item = this.value(t, 'list');
      } else {
        this.depth = current.inside;
        this.push(); // valuelist, reduced before the ']' is shifted or the error is seen
        if (t.kind !== ']') throw syntaxError(t, 'list');
        this.push(); // ']'
        this.depth = current.inside - 1; // the whole list is now one value
        item = { kind: 'list', items: current.items, start: current.start };
        const parent = open.pop();
        if (parent === undefined) return item;
        current = parent;
      }
      current.items.push(item);
      this.push(); // nlok
      t = this.skipNewlines();
      if (t.kind === ',') {
        this.depth = current.inside + 1; // values
        this.push(); // ','
        this.push(); // nlok
        t = this.skipNewlines();
      } else if (t.kind !== ']') {
        throw syntaxError(t, 'list');
      }
    }
  }

  private open(start: Position): OpenList {
    this.push(); // '['
    this.push(); // nlok
    return { start, items: [], inside: this.depth };
  }

  // `+=` onto an atom concatenates text, onto a list appends items; mixing is an error reported
  // at the last token of the new value, where libxl's parser stands when it stores it.
  private join(previous: Value, added: Value): Value {
    if (previous.kind === 'list' && added.kind === 'list') {
      return { ...added, items: [...previous.items, ...added.items] };
    }
    if (previous.kind !== 'list' && added.kind !== 'list') {
      const kind = previous.kind === 'number' && added.kind === 'number' ? 'number' : 'string';
      return { kind, text: previous.text + added.text, start: added.start } satisfies AtomValue;
    }
    const at = this.last as Token;
    throw new Failure(at.start, nearText(at), `can't add [list] to "string" or vice versa`);
  }

  private skipNewlines(): Token {
    for (;;) {
      const t = this.next();
      if (t.kind !== 'NEWLINE') return t;
      this.push(); // shifted, then reduced into the nlok below it
      this.depth--;
    }
  }

  // libxl's bison parser gives up once its stack would hold YYMAXDEPTH entries.
  private push(): void {
    if (++this.depth < YYMAXDEPTH) return;
    const at = this.last as Token;
    throw new Failure(at.start, nearText(at), 'memory exhausted');
  }

  private next(): Token {
    const t = this.lexer.next();
    if (isLexError(t)) throw new Failure(t.start, quoteNear(t.near), t.message);
    this.last = t;
    return t;
  }
}

function isLexError(t: Token | LexError): t is LexError {
  return t.kind === 'lex-error';
}

function syntaxError(t: Token, expected: Expected): Failure {
  return new Failure(t.start, nearText(t), `syntax error, unexpected ${TOKEN_NAME[t.kind]}, expecting ${EXPECTING[expected]}`);
}

// libxl quotes the token's text without its newline and trailing blanks; a bare newline is
// "<newline>", and at end of input it quotes an empty string.
function nearText(t: Token): string {
  if (t.kind === 'NEWLINE' && t.text === '\n') return '<newline>';
  return quoteNear(t.text.replace(/\n$/, ''));
}

function quoteNear(text: string): string {
  return `\`${text.replace(/[ \t]+$/, '')}'`;
}
