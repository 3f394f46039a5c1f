// A HelpPage as terminal text for `--help`: the same words as the man page, wrapped at 80 columns.
import type { HelpItem, HelpPage, HelpSection } from './page';

const WIDTH = 80;

/** Words of `text` in lines of at most 80 columns, indented; lines after the first `hang` more. */
export function wrap(text: string, indent: number, hang = 0): string {
  const lines: string[] = [];
  let line = '';
  const pad = () => ' '.repeat(indent + (lines.length === 0 ? 0 : hang));
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && pad().length + line.length + 1 + word.length > WIDTH) {
      lines.push(pad() + line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(pad() + line);
  return lines.join('\n');
}

export function itemText(item: HelpItem, indent: number): string {
  return [wrap(item.term, indent, 2), ...item.text.map((p) => wrap(p, indent + 4))].join('\n');
}

/** One command's entry as `xen-drbd help COMMAND` prints it: its usage line, then its paragraphs. */
export function usageText(item: HelpItem): string {
  return `${[wrap(`usage: ${item.term}`, 0, 9), ...item.text.map((p) => wrap(p, 4))].join('\n')}\n`;
}

function sectionText(s: HelpSection): string {
  const parts = [s.title.toLowerCase() + ':'];
  for (const p of s.paragraphs ?? []) parts.push(wrap(p, 2));
  for (const i of s.items ?? []) parts.push(itemText(i, 2));
  return parts.join('\n');
}

export function pageText(page: HelpPage): string {
  const usage = page.synopsis.map((s, i) => (i === 0 ? wrap(`usage: ${s}`, 0, 9) : wrap(s, 7, 2))).join('\n');
  const blocks = [
    usage,
    wrap(`${page.name} - ${page.summary}`, 0, 2),
    ...page.description.map((p) => wrap(p, 0)),
    ...page.sections.map(sectionText),
  ];
  return `${blocks.join('\n\n')}\n\nSee also: ${page.seeAlso.join(', ')}\n`;
}
