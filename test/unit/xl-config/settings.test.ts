import {
  effectiveSettings,
  getList,
  getLong,
  getString,
  getStringList,
  lookup,
  parseConfig,
  renderValue,
  strtol,
  type XlConfig,
} from '../../../src/xl-config';

function config(text: string): XlConfig {
  const r = parseConfig(text, 'vm.cfg');
  if (!r.ok) throw new Error(r.error.message);
  return r.config;
}

describe('last assignment wins', () => {
  const c = config('memory = 512\nname = "a"\nmemory = 1024\n');

  test('lookup and getters see the last value', () => {
    expect(lookup(c, 'memory')?.value).toMatchObject({ text: '1024' });
    expect(getLong(c, 'memory')).toEqual({ ok: true, value: 1024n });
  });

  test('effective settings list each name once, in order of first appearance', () => {
    expect([...effectiveSettings(c)].map(([n, a]) => `${n}=${renderValue(a.value)}`)).toEqual(['memory=1024', 'name="a"']);
  });
});

describe('getString', () => {
  test('reads strings and numbers alike, as libxl stores both as text', () => {
    const c = config('a = "x"\nb = 0x10\n');
    expect(getString(c, 'a')).toEqual({ ok: true, value: 'x' });
    expect(getString(c, 'b')).toEqual({ ok: true, value: '0x10' });
  });

  test('a missing name is not an error xl warns about', () => {
    expect(getString(config(''), 'a')).toEqual({ ok: false, reason: 'missing' });
  });

  test("a list is refused with libxl's warning", () => {
    expect(getString(config('\na = [1]\n'), 'a')).toEqual({
      ok: false,
      reason: 'wrong-type',
      warning: "vm.cfg:2: warning: parameter `a' is a list but should be a single value",
    });
  });
});

describe('getList and getStringList', () => {
  test('returns the items', () => {
    const r = getList(config('d = ["a", 1]\n'), 'd');
    expect(r.ok && r.value.map((v) => v.kind)).toEqual(['string', 'number']);
  });

  test("a single value is refused with libxl's warning", () => {
    expect(getList(config('disk = "drbd:r0,xvda,w"\n'), 'disk')).toEqual({
      ok: false,
      reason: 'wrong-type',
      warning: "vm.cfg:1: warning: parameter `disk' is a single value but should be a list",
    });
  });

  test("string items stop at the first nested list, as xl's loops do", () => {
    expect(getStringList(config('d = ["a", "b", ["c"], "d"]\n'), 'd')).toEqual({ ok: true, value: ['a', 'b'] });
  });
});

describe('getLong', () => {
  test.each([
    ['1024', 1024n],
    ['0x400', 1024n],
    ['0755', 493n],
    ['"  -12"', -12n],
    ['"+7"', 7n],
    ['9223372036854775807', 9223372036854775807n],
    ['"-9223372036854775808"', -9223372036854775808n],
  ])('%s reads as %p (strtol base 0)', (written, value) => {
    expect(getLong(config(`n = ${written}\n`), 'n')).toEqual({ ok: true, value });
  });

  test.each(['09', '0x', '1abc', '"12 "', '""', '"-"', '"1.5"'])('%s is not a valid number', (written) => {
    expect(getLong(config(`n = ${written}\n`), 'n')).toEqual({
      ok: false,
      reason: 'invalid',
      warning: "vm.cfg:1: warning: parameter `n' is not a valid number",
    });
  });

  test('beyond a 64-bit long is out of range', () => {
    expect(getLong(config('n = 9223372036854775808\n'), 'n')).toEqual({
      ok: false,
      reason: 'invalid',
      warning: "vm.cfg:1: warning: parameter `n' could not be parsed as a number: Numerical result out of range",
    });
  });

  test('a value built with += is refused even when it looks numeric', () => {
    expect(getLong(config('n = 1\nn += 2\n'), 'n')).toEqual({
      ok: false,
      reason: 'invalid',
      warning: "vm.cfg:2: warning: can't use += with numbers for parameter `n'",
    });
  });

  test("bounds are checked with libxl's wording", () => {
    const c = config('vcpus = 0\nmaxvcpus = 300\n');
    expect(getLong(c, 'vcpus', 1n, 128n)).toMatchObject({ warning: "vm.cfg:1: warning: value `0' is smaller than minimum bound '1'" });
    expect(getLong(c, 'maxvcpus', 1n, 128n)).toMatchObject({
      warning: "vm.cfg:2: warning: value `300' is greater than maximum bound '128'",
    });
  });
});

describe('strtol', () => {
  // Compared with glibc strtol(s, &end, 0) requiring *end == 0.
  test.each([
    ['0', 0n],
    ['00', 0n],
    ['0x0', 0n],
    ['0X1f', 31n],
    ['0x7fffffffffffffff', 9223372036854775807n],
    ['-9223372036854775809', 'range'],
    ['99999999999999999999x', 'range'],
    ['0xg', undefined],
    ['+0x10', 16n],
    ['', undefined],
    ['12 ', undefined],
  ] as const)('%j', (text, expected) => {
    expect(strtol(text)).toBe(expected);
  });
});

describe('renderValue', () => {
  test('writes values back in xl.cfg syntax that reads back the same', () => {
    const c = config(`a = "q\\"b\\\\s\\n\\t"\nb = [ 1, 'x', [] ]\n`);
    const rendered = [...effectiveSettings(c)].map(([n, a]) => `${n} = ${renderValue(a.value)}`).join('\n');
    expect(rendered).toBe('a = "q\\"b\\\\s\\n\\t"\nb = [ 1, "x", [] ]');
    expect(config(`${rendered}\n`).assignments.map((a) => renderValue(a.value))).toEqual(c.assignments.map((a) => renderValue(a.value)));
  });
});

test('renderValue follows lists as deep as xl accepts them', () => {
  const c = config(`a = ${'['.repeat(4996)}1${']'.repeat(4996)}\n`);
  const a = c.assignments[0];
  expect(a && renderValue(a.value)).toBe(`${'[ '.repeat(4996)}1${' ]'.repeat(4996)}`);
});
