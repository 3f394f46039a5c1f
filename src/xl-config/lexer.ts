// Tokeniser for xl.cfg files, mirroring the flex rules of xen-project/xen
// tools/libs/util/libxlu_cfg_l.l rule for rule, so that what xl rejects we reject too.

export interface Position {
  readonly offset: number;
  readonly line: number; // 1-based
  readonly column: number; // 1-based, in UTF-16 code units
}

export type TokenKind =
  | 'IDENT'
  | 'NUMBER'
  | 'STRING'
  | 'NEWLINE'
  | 'ADD' // "+="
  | '='
  | ';'
  | '['
  | ']'
  | ','
  | 'END';

export interface Token {
  readonly kind: TokenKind;
  /** The characters as written (for STRING: with quotes; for NEWLINE: a comment and its newline). */
  readonly text: string;
  /** STRING: the dequoted value; IDENT and NUMBER: the text. */
  readonly value: string;
  readonly start: Position;
}

/** A lexical error, worded as libxl words it; `near` is the text libxl quotes. */
export interface LexError {
  readonly kind: 'lex-error';
  readonly message: string;
  readonly near: string;
  readonly start: Position;
}

export type LexResult = Token | LexError;

// The lexer's own character classes (libxlu_cfg_l.l): identifiers are lower case only and a
// number is any run of digits, a-f and x; strtol decides later whether it is valid.
const IDENT = /[a-z][._0-9a-z]*/y;
const NUMBER = /[0-9][0-9a-fx]*/y;
// A comment runs to and includes its newline; without one it is not a comment (see below).
const COMMENT = /#[^\n]*\n/y;
// libxl's "[+-.():]": the range +-. also covers ',' but the ',' rule comes first and wins.
const PYTHONISH = /[+\-.():]/;
const NOT_BLANK_RUN = /[^ \t\n]*/y;

export class Lexer {
  private offset = 0;
  private line = 1;
  private column = 1;
  /** Set once a character typical of Python configs met the lexer, as libxl's likely_python. */
  likelyPython = false;

  constructor(private readonly text: string) {}

  position(): Position {
    return { offset: this.offset, line: this.line, column: this.column };
  }

  next(): LexResult {
    for (;;) {
      const c = this.text[this.offset];
      if (c === ' ' || c === '\t') {
        this.advance(1);
        continue;
      }
      const start = this.position();
      if (c === undefined) return { kind: 'END', text: '', value: '', start };
      switch (c) {
        case ',':
        case '[':
        case ']':
        case '=':
        case ';':
          return this.token(c, c, c, start);
        case '\n':
          return this.token('NEWLINE', c, c, start);
        case '+':
          if (this.text[this.offset + 1] === '=') return this.token('ADD', '+=', '+=', start);
          break;
        case "'":
        case '"':
          return this.quoted(c, start);
      }
      const word = this.sticky(IDENT) ?? this.sticky(NUMBER);
      if (word !== undefined) {
        return this.token(c >= 'a' && c <= 'z' ? 'IDENT' : 'NUMBER', word, word, start);
      }
      const comment = this.sticky(COMMENT);
      if (comment !== undefined) return this.token('NEWLINE', comment, comment, start);
      return this.lexicalError(c, start);
    }
  }

  private quoted(quote: string, start: Position): LexResult {
    const text = quotedAt(this.text, this.offset, quote);
    // An unterminated string is not a string: libxl then fails on the lone quote character.
    if (text === undefined) return this.lexicalError(this.text[this.offset] ?? '', start);
    this.advance(text.length);
    const dequoted = dequote(text);
    if (typeof dequoted !== 'string') {
      return { kind: 'lex-error', message: dequoted.message, near: text, start };
    }
    return { kind: 'STRING', text, value: dequoted, start };
  }

  // libxl's catch-all: the bad character plus everything up to the next blank is one error,
  // after which lexing resumes; we resume the same way so likelyPython sees the whole file.
  private lexicalError(c: string, start: Position): LexResult {
    if (PYTHONISH.test(c)) this.likelyPython = true;
    this.advance(1);
    let near = c;
    const run = this.sticky(NOT_BLANK_RUN) ?? '';
    const following = this.text[this.offset];
    if (run.length > 0) {
      near += run;
      this.advance(run.length);
    } else if (following === undefined) {
      // Sic: flex drops a pending error at end of input, so xl accepts "a = 1 B" as "a = 1".
      return { kind: 'END', text: '', value: '', start: this.position() };
    } else if (following === ' ' || following === '\t') {
      // A blank ends the error text and is swallowed with it; a newline is left for the
      // parser, which libxl also still receives as a NEWLINE token.
      this.advance(1);
    }
    return { kind: 'lex-error', message: 'lexical error', near, start };
  }

  private token(kind: TokenKind, text: string, value: string, start: Position): Token {
    this.advance(text.length);
    return { kind, text, value, start };
  }

  private sticky(re: RegExp): string | undefined {
    re.lastIndex = this.offset;
    return re.exec(this.text)?.[0];
  }

  private advance(n: number): void {
    for (let i = 0; i < n; i++) {
      if (this.text[this.offset] === '\n') {
        this.line++;
        this.column = 1;
      } else {
        this.column++;
      }
      this.offset++;
    }
  }
}

// libxl's string rule: a quoted string may not contain a raw newline; a backslash escapes any
// character but newline. Scanned by hand: as a regex alternation, V8 backtracks (and overflows
// its stack) once per character, and libxl reads strings of any length.
function quotedAt(text: string, from: number, quote: string): string | undefined {
  for (let i = from + 1; i < text.length; i++) {
    const c = text[i];
    if (c === quote) return text.slice(from, i + 1);
    if (c === '\n') return undefined;
    if (c === '\\') {
      if (text[i + 1] === '\n' || i + 1 === text.length) return undefined;
      i++;
    }
  }
  return undefined;
}

/** Escape error from dequoting a string literal, in libxl's words. */
interface DequoteError {
  readonly message: string;
}

// libxl's xlu__cfgl_dequote, including its quirks, which xl users live with:
// - "\x" skips one character too many and then demands more than two digits from a two-character
//   buffer, so every hex escape is rejected;
// - "\N" (N in 0-7) reads up to three more characters in base 10 despite calling itself octal;
// - a numeric escape that parses contributes no character at all to the result.
export function dequote(literal: string): string | DequoteError {
  const end = literal.length - 1; // index of the closing quote
  let out = '';
  let p = 1;
  while (p < end) {
    const c = literal[p++] as string;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const nc = literal[p++] as string;
    const simple = SIMPLE_ESCAPES[nc];
    if (simple !== undefined) {
      out += simple;
    } else if (nc === 'x') {
      return { message: numericEscapeError('hex') };
    } else if (nc >= '0' && nc <= '7') {
      const used = numericEscapeLength(literal, p, 3);
      if (used <= 1) return { message: numericEscapeError('octal') };
      p += used;
    } else {
      return { message: 'invalid character after backlash in quoted string' };
    }
  }
  return out;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  "'": "'",
  '\\': '\\',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

function numericEscapeError(base: string): string {
  // Sic: libxl pastes the base name onto "numerical" without a space.
  return `invalid digit after backslash ${base}numerical character escape in quoted string`;
}

// How many characters strtoul(buf, &ep, 10) consumes from the `max` characters at `from` (libxl
// copies them, the closing quote included): blanks, a sign, then decimal digits; 0 if no digit.
function numericEscapeLength(literal: string, from: number, max: number): number {
  const buf = literal.slice(from, from + max);
  let i = 0;
  while (i < buf.length && ' \t\n\v\f\r'.includes(buf[i] as string)) i++;
  if (buf[i] === '+' || buf[i] === '-') i++;
  const firstDigit = i;
  while (i < buf.length && (buf[i] as string) >= '0' && (buf[i] as string) <= '9') i++;
  return i === firstDigit ? 0 : i;
}
