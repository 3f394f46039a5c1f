// The LSB header of an init script (`### BEGIN INIT INFO` … `### END INIT INFO`): reading a field's
// words, and adding a word to a field while leaving every other byte as it was.
const BEGIN = /^### BEGIN INIT INFO\s*$/;
const END = /^### END INIT INFO\s*$/;

interface HeaderLines {
  readonly lines: string[];
  readonly begin: number;
  readonly end: number;
}

function headerLines(text: string): HeaderLines | undefined {
  const lines = text.split('\n');
  const begin = lines.findIndex((l) => BEGIN.test(l));
  if (begin < 0) return undefined;
  const end = lines.findIndex((l, i) => i > begin && END.test(l));
  return end < 0 ? undefined : { lines, begin, end };
}

function fieldPattern(field: string): RegExp {
  return new RegExp(`^#\\s*${field.replace(/[-]/g, '\\-')}:(.*)$`, 'i');
}

/** The words of a header field (insserv splits on blanks); [] when the field or header is absent. */
export function headerField(text: string, field: string): string[] {
  const h = headerLines(text);
  if (h === undefined) return [];
  const re = fieldPattern(field);
  for (let i = h.begin + 1; i < h.end; i++) {
    const m = re.exec(h.lines[i] as string);
    if (m)
      return (m[1] as string)
        .trim()
        .split(/\s+/)
        .filter((w) => w !== '');
  }
  return [];
}

/**
 * The text with `word` added at the end of the field; unchanged when already there. A missing field
 * is added just before `### END INIT INFO`. undefined when the script has no LSB header.
 */
export function addToHeaderField(text: string, field: string, word: string): string | undefined {
  const h = headerLines(text);
  if (h === undefined) return undefined;
  const re = fieldPattern(field);
  for (let i = h.begin + 1; i < h.end; i++) {
    const line = h.lines[i] as string;
    const m = re.exec(line);
    if (!m) continue;
    if ((m[1] as string).trim().split(/\s+/).includes(word)) return text;
    const lines = [...h.lines];
    lines[i] = `${line.replace(/\s+$/, '')} ${word}`;
    return lines.join('\n');
  }
  const lines = [...h.lines];
  lines.splice(h.end, 0, `# ${field}: ${word}`);
  return lines.join('\n');
}
