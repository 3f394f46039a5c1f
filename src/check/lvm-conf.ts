// lvm.conf: the few settings device filtering depends on, and LVM's filter semantics. The file is
// `section { key = value }` with strings, numbers and [ lists ]; `#` starts a comment outside strings.
export interface LvmSetting {
  readonly value: string | number | readonly string[];
  readonly line: number;
}

/** "devices/filter" → its value; later assignments win, as in LVM. */
export function parseLvmConf(text: string): Map<string, LvmSetting> {
  const settings = new Map<string, LvmSetting>();
  const tokens = tokenize(text);
  const sections: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.text === '}') {
      sections.pop();
    } else if (tokens[i + 1]?.text === '{') {
      sections.push(t.text);
      i++;
    } else if (tokens[i + 1]?.text === '=') {
      const key = [...sections, t.text].join('/');
      const v = tokens[i + 2];
      if (v === undefined) break;
      if (v.text === '[') {
        const items: string[] = [];
        let j = i + 3;
        for (; j < tokens.length && tokens[j]?.text !== ']'; j++) {
          const item = tokens[j] as Token;
          if (item.text !== ',') items.push(item.string ?? item.text);
        }
        settings.set(key, { value: items, line: t.line });
        i = j;
      } else {
        settings.set(key, { value: v.string ?? (/^-?\d+$/.test(v.text) ? Number(v.text) : v.text), line: t.line });
        i += 2;
      }
    }
  }
  return settings;
}

interface Token {
  readonly text: string;
  /** The decoded text, for a quoted string. */
  readonly string?: string;
  readonly line: number;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /#[^\n]*|\n|[ \t\r]+|"((?:[^"\\]|\\.)*)"|([{}=[\],])|([^\s{}=[\],#"]+)/g;
  let line = 1;
  for (const m of text.matchAll(re)) {
    if (m[0] === '\n') line++;
    else if (m[1] !== undefined) tokens.push({ text: m[0], string: m[1].replace(/\\(.)/g, '$1'), line });
    else if (m[2] !== undefined || m[3] !== undefined) tokens.push({ text: m[0], line });
  }
  return tokens;
}

/**
 * LVM's filter: the first pattern whose regex matches the device name decides ('a' accepts,
 * 'r' rejects); no match accepts. A pattern is 'a' or 'r', a delimiter, the regex, the delimiter.
 */
export function filterAccepts(patterns: readonly string[], device: string): boolean {
  for (const p of patterns) {
    const m = /^([ar])(.)(.*)\2$/s.exec(p.trim());
    if (!m) continue;
    let re: RegExp;
    try {
      re = new RegExp(m[3] as string);
    } catch {
      continue; // LVM refuses the whole filter then; nothing we can judge by
    }
    if (re.test(device)) return m[1] === 'a';
  }
  return true;
}
