// `--help` text: the same words as the man page, wrapped to 80 columns.
import { blockDrbdPage } from '../../../src/help/block-drbd';
import { MAN_PAGES } from '../../../src/help/pages';
import { itemText, pageText, usageText, wrap } from '../../../src/help/text';

test('wrap breaks between words at 80 columns and indents every line', () => {
  const text = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
  const lines = wrap(text, 4).split('\n');
  expect(lines.length).toBeGreaterThan(1);
  for (const l of lines) {
    expect(l.length).toBeLessThanOrEqual(80);
    expect(l).toMatch(/^ {4}\S/);
  }
  expect(
    lines
      .join(' ')
      .split(/\s+/)
      .filter((w) => w !== ''),
  ).toEqual(text.split(' '));
});

test('an item prints its term, then its paragraphs indented', () => {
  expect(itemText({ term: 'xen-drbd x [--y]', text: ['One.', 'Two.'] }, 2)).toBe('  xen-drbd x [--y]\n      One.\n      Two.');
});

describe.each(Object.entries(MAN_PAGES))('%s --help', (_name, p) => {
  test('carries every word of the page, no line over 80 columns', () => {
    const text = pageText(p);
    for (const l of text.split('\n')) expect(l.length).toBeLessThanOrEqual(80);
    const words = (s: string) => s.split(/\s+/).filter((w) => w !== '');
    const all = words(text).join(' ');
    for (const para of [
      ...p.description,
      ...p.sections.flatMap((s) => [...(s.paragraphs ?? []), ...(s.items ?? []).flatMap((i) => i.text)]),
    ]) {
      expect(all).toContain(words(para).join(' '));
    }
  });
});

test("block-drbd's page starts with its usage", () => {
  expect(pageText(blockDrbdPage)).toMatch(/^usage: block-drbd add\|remove\n {7}block-drbd --help\n/);
});

test('a command entry prints as usage, continuation lines under the command, then its paragraphs', () => {
  const long = 'xen-drbd check [CONFIG...] [--json] [--peer-auto-list FILE] [--root DIR] [--hostname NAME]';
  expect(usageText({ term: long, text: ['Lints.'] })).toBe(
    'usage: xen-drbd check [CONFIG...] [--json] [--peer-auto-list FILE] [--root DIR]\n         [--hostname NAME]\n    Lints.\n',
  );
});
