import { formatConfigParseError, parseConfig, type Value, type XlConfig } from '../../../src/xl-config';

function parsed(text: string): XlConfig {
  const r = parseConfig(text, 'test.cfg');
  if (!r.ok) throw new Error(`unexpected parse error: ${formatConfigParseError(r.error)}`);
  return r.config;
}

function plain(v: Value): unknown {
  return v.kind === 'list' ? v.items.map(plain) : v.text;
}

// name op value, in file order
function summary(text: string): string[] {
  return parsed(text).assignments.map((a) => `${a.name} ${a.op} ${JSON.stringify(plain(a.value))}`);
}

function failure(text: string): string {
  const r = parseConfig(text, 'test.cfg');
  if (r.ok) throw new Error('expected a parse error');
  return formatConfigParseError(r.error);
}

describe('statements', () => {
  test('newline and semicolon both end a statement; blank statements are fine', () => {
    expect(summary('a = 1; b = "x"\n\n;;c = \'y\'\n')).toEqual(['a = "1"', 'b = "x"', 'c = "y"']);
  });

  test('the last statement may lack a newline', () => {
    expect(summary('a = 1\nb = 2')).toEqual(['a = "1"', 'b = "2"']);
  });

  test('an empty file and a comments-only file have no settings', () => {
    expect(summary('')).toEqual([]);
    expect(summary('# only a comment\n\n')).toEqual([]);
  });

  test('numbers keep their kind and the text as written', () => {
    const [a] = parsed('memory = 0x400\n').assignments;
    expect(a?.value).toMatchObject({ kind: 'number', text: '0x400' });
  });

  test('names and values carry their positions', () => {
    const [, b] = parsed('a = 1\n  b = [ "x" ]\n').assignments;
    expect(b?.nameAt).toMatchObject({ line: 2, column: 3 });
    expect(b?.value.start).toMatchObject({ line: 2, column: 7 });
  });
});

describe('lists', () => {
  test('empty, trailing comma, nesting and newlines anywhere inside', () => {
    expect(summary('a = []\nb = [1,]\nc = [ "x", [2, [\'y\']], ]\nd = [\n  1,\n\n  2\n]\n')).toEqual([
      'a = []',
      'b = ["1"]',
      'c = ["x",["2",["y"]]]',
      'd = ["1","2"]',
    ]);
  });

  test('comments inside a list', () => {
    expect(summary('disk = [ # first\n "a", # second\n "b" ]\n')).toEqual(['disk = ["a","b"]']);
  });
});

describe('+= and repeated names', () => {
  test('+= on strings concatenates, numbers included', () => {
    expect(summary('a = "x"\na += "y"\nn = 1\nn += 2\n')).toEqual(['a = "x"', 'a += "xy"', 'n = "1"', 'n += "12"']);
  });

  test('+= on lists appends', () => {
    expect(summary('d = ["a"]\nd += ["b", "c"]\n')).toEqual(['d = ["a"]', 'd += ["a","b","c"]']);
  });

  test('+= with no earlier value just sets it', () => {
    expect(summary('d += ["a"]\n')).toEqual(['d += ["a"]']);
  });

  test('+= builds on the latest assignment only', () => {
    expect(summary('a = "x"\na = "y"\na += "z"\n')).toEqual(['a = "x"', 'a = "y"', 'a += "yz"']);
  });

  test.each([
    ['a = "x"\na += [1]\n', 'test.cfg:2:8: config parsing error near `]\': can\'t add [list] to "string" or vice versa'],
    ['a = [1]\na += "x"\n', 'test.cfg:2:6: config parsing error near `"x"\': can\'t add [list] to "string" or vice versa'],
  ])('+= across kinds is an error: %j', (text, message) => {
    expect(failure(text)).toBe(message);
  });
});

// Each message is what libxl printed for the same input (xen-project/xen c447b7308b); libxl's
// own line number is left out as it is off by one for newline tokens, and it has no column.
describe("syntax errors, in libxl's words", () => {
  test.each([
    ['a = b\n', '1:5', "near `b': syntax error, unexpected IDENT, expecting STRING or NUMBER or '['"],
    ['builder = hvm\n', '1:11', "near `hvm': syntax error, unexpected IDENT, expecting STRING or NUMBER or '['"],
    ['a = \n', '1:5', "near <newline>: syntax error, unexpected NEWLINE, expecting STRING or NUMBER or '['"],
    ['a = # why\n', '1:5', "near `# why': syntax error, unexpected NEWLINE, expecting STRING or NUMBER or '['"],
    ['a = ', '1:5', "near `': syntax error, unexpected $end, expecting STRING or NUMBER or '['"],
    ['= 1\n', '1:1', "near `=': syntax error, unexpected '=', expecting $end or IDENT or NEWLINE or ';'"],
    ['"s"\n', '1:1', "near `\"s\"': syntax error, unexpected STRING, expecting $end or IDENT or NEWLINE or ';'"],
    ['a\n', '1:2', "near <newline>: syntax error, unexpected NEWLINE, expecting += or '='"],
    ['a b\n', '1:3', "near `b': syntax error, unexpected IDENT, expecting += or '='"],
    ['a', '1:2', "near `': syntax error, unexpected $end, expecting += or '='"],
    ['a = 1 2\n', '1:7', "near `2': syntax error, unexpected NUMBER, expecting $end"],
    ['a = [1] ,\n', '1:9', "near `,': syntax error, unexpected ',', expecting $end"],
    ['a = 1 +=\n', '1:7', "near `+=': syntax error, unexpected +=, expecting $end"],
    ['a = [1 2]\n', '1:8', "near `2': syntax error, unexpected NUMBER, expecting ']'"],
    ['a = [,]\n', '1:6', "near `,': syntax error, unexpected ',', expecting ']'"],
    ['a = [1,,]\n', '1:8', "near `,': syntax error, unexpected ',', expecting ']'"],
    ['a = [b]\n', '1:6', "near `b': syntax error, unexpected IDENT, expecting ']'"],
    ['a = [1;\n', '1:7', "near `;': syntax error, unexpected ';', expecting ']'"],
    ['a = [1,\n', '2:1', "near `': syntax error, unexpected $end, expecting ']'"],
  ])('%j', (text, at, message) => {
    expect(failure(text)).toBe(`test.cfg:${at}: config parsing error ${message}`);
  });
});

describe('lexical errors', () => {
  test.each([
    ['memory = 512M\n', '1:13', "near `M': lexical error"],
    ['A = 1\n', '1:1', "near `A': lexical error"],
    ['a = 1\n# trailing comment', '2:1', "near `#': lexical error"],
    ['a = "\\x41"\n', '1:5', 'near `"\\x41"\': invalid digit after backslash hexnumerical character escape in quoted string'],
    ['a = "\\q"\n', '1:5', 'near `"\\q"\': invalid character after backlash in quoted string'],
    ['a = "x"\r\nb = 1\r\n', '1:8', "near `\r': lexical error"],
  ])('%j', (text, at, message) => {
    expect(failure(text)).toBe(`test.cfg:${at}: config parsing error ${message}`);
  });

  test('the first error is reported even when later lines have more', () => {
    expect(failure('a = b\nc = d\n')).toBe(
      "test.cfg:1:5: config parsing error near `b': syntax error, unexpected IDENT, expecting STRING or NUMBER or '['",
    );
  });

  test('python syntax is flagged, also when it follows the first error', () => {
    const r = parseConfig("a = %s\nvif = [ 'bridge=%s' % ('xenbr0',) ]\n", 'test.cfg');
    expect(r).toMatchObject({ ok: false, error: { message: "config parsing error near `%s': lexical error", likelyPython: true } });
  });

  test('a non-python error is not flagged', () => {
    const r = parseConfig('a = b\n', 'test.cfg');
    expect(r).toMatchObject({ ok: false, error: { likelyPython: false } });
  });
});

// libxl's bison stack holds at most 10000 entries; these depths are where the real parser
// stops, and what it says.
describe('nesting depth', () => {
  const nested = (n: number, inner = '') => `a = ${'['.repeat(n)}${inner}${']'.repeat(n)}\n`;

  test('4996 levels parse', () => {
    const [a] = parsed(nested(4996)).assignments;
    let depth = 0;
    for (let v = a?.value; v?.kind === 'list'; v = v.items[0]) depth++;
    expect(depth).toBe(4996);
  });

  test.each([
    [nested(4997), "1:5002: config parsing error near `]': memory exhausted"],
    [nested(4998), "1:5002: config parsing error near `[': memory exhausted"],
    [nested(4997, '1'), "1:5002: config parsing error near `1': memory exhausted"],
    [nested(4996, '1,2'), "1:5003: config parsing error near `2': memory exhausted"],
    [nested(4996, '1,\n2'), '1:5003: config parsing error near <newline>: memory exhausted'],
    [`a = ${'['.repeat(200000)}`, "1:5002: config parsing error near `[': memory exhausted"],
  ])('%#', (text, message) => {
    expect(failure(text)).toBe(`test.cfg:${message}`);
  });

  test('newlines between levels are taken into account', () => {
    expect(parsed(nested(4996, '1\n')).assignments.length).toBe(1);
    expect(failure(`a = ${'['.repeat(4997)}\n]${']'.repeat(4996)}\n`)).toBe(
      "test.cfg:2:1: config parsing error near `]': memory exhausted",
    );
  });
});
