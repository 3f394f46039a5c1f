import { dequote, Lexer, type LexResult } from '../../../src/xl-config/lexer';

function lex(text: string): Array<[string, string]> {
  const lexer = new Lexer(text);
  const out: Array<[string, string]> = [];
  for (;;) {
    const t: LexResult = lexer.next();
    if (t.kind === 'lex-error') out.push(['error', t.near]);
    else out.push([t.kind, t.kind === 'STRING' ? t.value : t.text]);
    if (t.kind === 'END') return out;
  }
}

describe('tokens', () => {
  test('identifiers are lower case and may hold dots, underscores and digits', () => {
    expect(lex('on_crash x.y_1')).toEqual([
      ['IDENT', 'on_crash'],
      ['IDENT', 'x.y_1'],
      ['END', ''],
    ]);
  });

  test('an upper-case letter is a lexical error, and so is an identifier starting with one', () => {
    expect(lex('Name = 1\n')[0]).toEqual(['error', 'Name']);
  });

  test('numbers are digits then any of 0-9, a-f and x, validated only when read', () => {
    expect(lex('0x1f 1abc 09')).toEqual([
      ['NUMBER', '0x1f'],
      ['NUMBER', '1abc'],
      ['NUMBER', '09'],
      ['END', ''],
    ]);
  });

  test('512M stops at the M, which is a lexical error', () => {
    expect(lex('512M\n')).toEqual([
      ['NUMBER', '512'],
      ['error', 'M'],
      ['NEWLINE', '\n'],
      ['END', ''],
    ]);
  });

  test('punctuation, += and both string quotes', () => {
    expect(lex(`a+=[ 'x', "y" ];`)).toEqual([
      ['IDENT', 'a'],
      ['ADD', '+='],
      ['[', '['],
      ['STRING', 'x'],
      [',', ','],
      ['STRING', 'y'],
      [']', ']'],
      [';', ';'],
      ['END', ''],
    ]);
  });

  test('a comment is one NEWLINE token including its newline', () => {
    expect(lex('a # note = 1\n')).toEqual([
      ['IDENT', 'a'],
      ['NEWLINE', '# note = 1\n'],
      ['END', ''],
    ]);
  });

  test('a comment on the last line without a newline is a lexical error', () => {
    expect(lex('# no newline')).toEqual([
      ['error', '#'],
      ['IDENT', 'no'],
      ['IDENT', 'newline'],
      ['END', ''],
    ]);
  });

  test('a comment may end in CRLF, but a CR anywhere else is an error', () => {
    expect(lex('# dos\r\n')).toEqual([
      ['NEWLINE', '# dos\r\n'],
      ['END', ''],
    ]);
    expect(lex('a = 1\r\n')).toEqual([
      ['IDENT', 'a'],
      ['=', '='],
      ['NUMBER', '1'],
      ['error', '\r'],
      ['NEWLINE', '\n'],
      ['END', ''],
    ]);
  });

  test('a bad character takes the rest of its word into the error', () => {
    expect(lex("x = ('a', 'b')\n")).toEqual([
      ['IDENT', 'x'],
      ['=', '='],
      ['error', "('a',"],
      ['STRING', 'b'],
      ['error', ')'],
      ['NEWLINE', '\n'],
      ['END', ''],
    ]);
  });

  test('a bad character alone at the very end is dropped, as flex drops it', () => {
    expect(lex('a = 1 B')).toEqual([
      ['IDENT', 'a'],
      ['=', '='],
      ['NUMBER', '1'],
      ['END', ''],
    ]);
  });

  test('an unterminated string or one spanning lines is an error at its quote', () => {
    expect(lex('"abc\n')[0]).toEqual(['error', '"abc']);
    expect(lex("'a\nb'\n")[0]).toEqual(['error', "'a"]);
  });

  test('positions are 1-based lines and columns', () => {
    const lexer = new Lexer('a = 1\n  b = "x"\n');
    const starts = [];
    for (let t = lexer.next(); t.kind !== 'END'; t = lexer.next()) starts.push([t.start.line, t.start.column]);
    expect(starts).toEqual([
      [1, 1],
      [1, 3],
      [1, 5],
      [1, 6],
      [2, 3],
      [2, 5],
      [2, 7],
      [2, 10],
    ]);
  });
});

describe('python-isms', () => {
  test.each(['+', '-', '.', '(', ')', ':'])('%s outside a string marks the file as likely Python', (c) => {
    const lexer = new Lexer(`a = 1 ${c}x\n`);
    while (lexer.next().kind !== 'END');
    expect(lexer.likelyPython).toBe(true);
  });

  test('other bad characters, and any character inside strings, do not', () => {
    const lexer = new Lexer('a = "(x.y)" %x\n');
    while (lexer.next().kind !== 'END');
    expect(lexer.likelyPython).toBe(false);
  });
});

describe('string escapes', () => {
  test.each([
    ['\\"', '"'],
    ["\\'", "'"],
    ['\\\\', '\\'],
    ['\\a', '\x07'],
    ['\\b', '\b'],
    ['\\f', '\f'],
    ['\\n', '\n'],
    ['\\r', '\r'],
    ['\\t', '\t'],
    ['\\v', '\v'],
  ])('%s', (escape, char) => {
    expect(dequote(`"<${escape}>"`)).toBe(`<${char}>`);
  });

  test('single and double quotes decode the same way', () => {
    expect(dequote(`'it\\'s "x"'`)).toBe(`it's "x"`);
  });

  // libxl reads "\N.." in base 10 and then never stores the character: the escape vanishes.
  test.each([
    ['"\\101x"', 'x'],
    ['"a\\0999b"', 'ab'],
    ['"\\1234"', ''],
    ['"\\1 23"', ''],
    ['"\\12345"', '5'],
  ])('numeric escape %s decodes to %j', (literal, value) => {
    expect(dequote(literal)).toBe(value);
  });

  test.each(['"\\1"', '"\\12"', '"\\7x"'])('numeric escape %s without two more digits is refused', (literal) => {
    expect(dequote(literal)).toEqual({ message: 'invalid digit after backslash octalnumerical character escape in quoted string' });
  });

  test.each(['"\\x41"', '"\\x414"', '"\\x"'])('every hex escape is refused: %s', (literal) => {
    expect(dequote(literal)).toEqual({ message: 'invalid digit after backslash hexnumerical character escape in quoted string' });
  });

  test.each(['"\\q"', '"\\8"', '"\\u0041"'])('an unknown escape is refused: %s', (literal) => {
    expect(dequote(literal)).toEqual({ message: 'invalid character after backlash in quoted string' });
  });
});

describe('size', () => {
  // libxl reads a config of any size; a regex alternation per character overflowed V8's stack.
  test('a 20 MB quoted string is one STRING token, escapes and all', () => {
    const body = 'a'.repeat(10_000_000) + '\\"' + 'b'.repeat(10_000_000);
    const tokens = lex(`name = "${body}"\n`);
    expect(tokens.map(([kind]) => kind)).toEqual(['IDENT', '=', 'STRING', 'NEWLINE', 'END']);
    expect(tokens[2]?.[1]).toHaveLength(20_000_001);
  });

  test('a 20 MB string with no closing quote is a lexical error, as in libxl', () => {
    expect(lex(`name = '${'a'.repeat(20_000_000)}`).slice(2, 3)).toEqual([['error', `'${'a'.repeat(20_000_000)}`]]);
  });
});
