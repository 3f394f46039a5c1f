// The man(7) renderer: escaping, and every word of a page reaching the roff.
import { MAN_PAGES } from '../../../src/help/pages';
import { pageRoff, roffEscape } from '../../../src/help/roff';
import type { HelpPage } from '../../../src/help/page';

test.each([
  ['.TH not a request', '\\&.TH not a request'],
  ["'quoted start", "\\&'quoted start"],
  ['--apply', '\\-\\-apply'],
  ['C:\\path', 'C:\\epath'],
  ['mid.dle', 'mid.dle'],
])('roffEscape(%j)', (input, expected) => {
  expect(roffEscape(input)).toBe(expected);
});

const page: HelpPage = {
  name: 'demo',
  section: 8,
  summary: 'a demo page',
  synopsis: ['demo --one', 'demo --two'],
  description: ['First paragraph.', '.starts with a dot'],
  sections: [{ title: 'Files', paragraphs: ['Intro.'], items: [{ term: '/etc/demo', text: ['One.', 'Two.'] }] }],
  seeAlso: ['xl(1)', 'drbdadm(8)'],
};

test('a page renders as man(7): header, NAME, SYNOPSIS, DESCRIPTION, sections, SEE ALSO', () => {
  expect(pageRoff(page, '1.2.3', '2026-01-02')).toBe(
    [
      '.TH DEMO 8 2026-01-02 "xen-drbd 1.2.3" "xen-drbd"',
      '.SH NAME',
      'demo \\- a demo page',
      '.SH SYNOPSIS',
      'demo \\-\\-one',
      '.br',
      'demo \\-\\-two',
      '.SH DESCRIPTION',
      '.PP',
      'First paragraph.',
      '.PP',
      '\\&.starts with a dot',
      '.SH FILES',
      '.PP',
      'Intro.',
      '.TP',
      '.B /etc/demo',
      'One.',
      '.IP',
      'Two.',
      '.SH SEE ALSO',
      'xl(1),',
      'drbdadm(8)',
      '',
    ].join('\n'),
  );
});

describe.each(Object.entries(MAN_PAGES))('%s(8)', (_name, p) => {
  const roff = pageRoff(p, '0.0.0', '2026-01-01');

  test('no line but a request starts with a dot or quote', () => {
    const requests = /^\.(TH|SH|PP|TP|IP|B|br) ?/;
    for (const line of roff.split('\n')) if (/^[.']/.test(line)) expect(line).toMatch(requests);
  });

  test('every paragraph and item of the page is in the roff', () => {
    const texts = [
      ...p.description,
      ...p.sections.flatMap((s) => [...(s.paragraphs ?? []), ...(s.items ?? []).flatMap((i) => [i.term, ...i.text])]),
    ];
    for (const t of texts) expect(roff).toContain(roffEscape(t));
  });
});
