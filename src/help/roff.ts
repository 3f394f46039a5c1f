// A HelpPage as a man(7) page. Escapes what roff would otherwise interpret: backslashes, a leading
// '.' or "'" (request lines), and '-' (so options render and copy as ASCII minus signs).
import type { HelpItem, HelpPage } from './page';

export function roffEscape(text: string): string {
  const escaped = text.replace(/\\/g, '\\e').replace(/-/g, '\\-');
  return /^[.']/.test(escaped) ? `\\&${escaped}` : escaped;
}

function paragraph(text: string): string[] {
  return ['.PP', roffEscape(text.replace(/\s+/g, ' ').trim())];
}

function item(i: HelpItem): string[] {
  const [first, ...rest] = i.text;
  return [
    '.TP',
    `.B ${roffEscape(i.term)}`,
    ...(first === undefined ? [] : [roffEscape(first)]),
    ...rest.flatMap((p) => ['.IP', roffEscape(p)]),
  ];
}

/** `date` is the page footer's date (YYYY-MM-DD), `version` the package version. */
export function pageRoff(page: HelpPage, version: string, date: string): string {
  const lines = [
    `.TH ${page.name.toUpperCase()} ${page.section} ${date} "xen-drbd ${version}" "xen-drbd"`,
    '.SH NAME',
    `${roffEscape(page.name)} \\- ${roffEscape(page.summary)}`,
    '.SH SYNOPSIS',
    ...page.synopsis.flatMap((s, i) => [...(i === 0 ? [] : ['.br']), roffEscape(s)]),
    '.SH DESCRIPTION',
    ...page.description.flatMap(paragraph),
  ];
  for (const s of page.sections) {
    lines.push(`.SH ${roffEscape(s.title.toUpperCase())}`);
    for (const p of s.paragraphs ?? []) lines.push(...paragraph(p));
    for (const i of s.items ?? []) lines.push(...item(i));
  }
  lines.push('.SH SEE ALSO', page.seeAlso.map((ref) => roffEscape(ref)).join(',\n'));
  return `${lines.join('\n')}\n`;
}
