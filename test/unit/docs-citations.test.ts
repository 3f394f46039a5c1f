// Comments cite the facts they rely on as `docs/<file>.md §<n>`: every such citation must name a
// file in docs/ and a section heading (`## §<n> …`) in it. Nothing may cite documents a reader of
// this repository does not have (the research notes under ../shared), and a bare `§` with no
// docs/ file before it is one of those old citations.
import { lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const SELF = relative(ROOT, __filename).split(sep).join('/');
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'coverage']);
const MAX_BYTES = 2 * 1024 * 1024;

/** A docs/ file named where a path could start (not `xen/docs/…` or `tools/docs/…`). */
const DOC_FILE = /(?<![\w./-])docs\/([\w-]+\.md)\b/g;
/** A citation: the file, then one or more sections, possibly after a line break and a comment marker. */
const CITATION = /(?<![\w./-])docs\/([\w-]+\.md)((?:[\s/*#]*§\d+(?:\.\d+)*(?:\s*(?:,|-|–|and)\s*)?)+)/g;
const SECTION = /§(\d+(?:\.\d+)*)/g;
const FORBIDDEN: ReadonlyArray<readonly [RegExp, string]> = [
  [/\.\.\/shared\b/, 'cites ../shared'],
  [/\/work\/shared\b/, 'cites /work/shared'],
  [/\bresearch\s*§/i, 'cites "research §"'],
  [/\bresearch\/[\w-]+\.md/i, 'cites a research/*.md file'],
  [/\bpitfall\s+\d+/i, 'cites a numbered pitfall of the research notes'],
];

interface Source {
  readonly path: string;
  readonly text: string;
}

/** Section numbers of a docs file: its headings `#… §<n> Title`. */
function sectionsOf(markdown: string): string[] {
  return [...markdown.matchAll(/^#{1,6}[ \t]+§(\d+(?:\.\d+)*)(?=[\s.:]|$)/gm)].map((m) => m[1] as string);
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Every problem with the citations in `sources`, given the docs files by name (`smapi.md` → text). */
function citationProblems(sources: readonly Source[], docs: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  const sections = new Map([...docs].map(([name, text]) => [name, new Set(sectionsOf(text))]));
  for (const { path, text } of sources) {
    const at = (i: number) => `${path}:${lineOf(text, i)}`;
    for (const [re, what] of FORBIDDEN) {
      for (const m of text.matchAll(new RegExp(re.source, `${re.flags}g`))) problems.push(`${at(m.index ?? 0)}: ${what}: ${m[0]}`);
    }
    for (const m of text.matchAll(DOC_FILE)) {
      if (!docs.has(m[1] as string)) problems.push(`${at(m.index ?? 0)}: docs/${m[1]} does not exist`);
    }
    const covered = new Set<number>();
    for (const m of text.matchAll(CITATION)) {
      const file = m[1] as string;
      const start = (m.index ?? 0) + m[0].length - (m[2] as string).length;
      for (const s of (m[2] as string).matchAll(SECTION)) {
        covered.add(start + (s.index ?? 0));
        const known = sections.get(file);
        if (known !== undefined && !known.has(s[1] as string)) {
          problems.push(`${at(start + (s.index ?? 0))}: docs/${file} has no section §${s[1]}`);
        }
      }
    }
    // Inside docs/ a bare § refers to the same file; everywhere else it must follow a docs/ file.
    if (path.startsWith('docs/')) continue;
    for (const m of text.matchAll(/§/g)) {
      if (!covered.has(m.index ?? 0)) problems.push(`${at(m.index ?? 0)}: § without a docs/<file>.md before it`);
    }
  }
  for (const [name, text] of docs) {
    const seen = new Set<string>();
    for (const s of sectionsOf(text)) {
      if (seen.has(s)) problems.push(`docs/${name}: two headings for §${s}`);
      seen.add(s);
    }
  }
  return problems;
}

function walk(dir: string, out: Source[]): void {
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name)) continue;
    const full = join(dir, name);
    const st = lstatSync(full);
    if (st.isDirectory()) walk(full, out);
    else if (st.isFile() && st.size <= MAX_BYTES) {
      const path = relative(ROOT, full).split(sep).join('/');
      if (path === SELF) continue; // its examples below are bad citations on purpose
      const buf = readFileSync(full);
      if (buf.includes(0)) continue; // binary
      out.push({ path, text: buf.toString('utf8') });
    }
  }
}

function repositoryDocs(): Map<string, string> {
  const docs = new Map<string, string>();
  for (const name of readdirSync(join(ROOT, 'docs'))) {
    if (name.endsWith('.md')) docs.set(name, readFileSync(join(ROOT, 'docs', name), 'utf8'));
  }
  return docs;
}

describe('docs citations in this repository', () => {
  const sources: Source[] = [];
  walk(ROOT, sources);
  const docs = repositoryDocs();

  it('scans the sources and finds the citations', () => {
    expect(sources.some((s) => s.path === 'src/drbdlvm-sr/boundary.ts')).toBe(true);
    const cited = sources.flatMap((s) => [...s.text.matchAll(CITATION)]);
    expect(cited.length).toBeGreaterThan(30);
  });

  it('cites only docs files and sections that exist, and nothing outside the repository', () => {
    expect(citationProblems(sources, docs)).toEqual([]);
  });
});

describe('the citation checker', () => {
  const docs = new Map([['a.md', '# A\n\n## §1 One\n\n## §2. Two\n']]);
  const check = (text: string) => citationProblems([{ path: 'src/x.ts', text }], docs);

  it('accepts citations of existing sections, lists and a citation wrapped across comment lines', () => {
    expect(check('// see docs/a.md §1 and docs/a.md §1, §2\n/** (docs/a.md\n * §2) */')).toEqual([]);
  });

  it('reports a missing file, a missing section and a bare §', () => {
    expect(check('// docs/b.md §1')).toEqual(['src/x.ts:1: docs/b.md does not exist']);
    expect(check('// docs/a.md §1, §3')).toEqual(['src/x.ts:1: docs/a.md has no section §3']);
    expect(check('//\n// as in §5.3')).toEqual(['src/x.ts:2: § without a docs/<file>.md before it']);
  });

  it('reports citations of the research notes', () => {
    expect(check('// ../shared/research/xen-hotplug-contract.md §2.1')).toEqual([
      'src/x.ts:1: cites ../shared: ../shared',
      'src/x.ts:1: cites a research/*.md file: research/xen-hotplug-contract.md',
      'src/x.ts:1: § without a docs/<file>.md before it',
    ]);
    expect(check('// (research §1.7)')).toEqual([
      'src/x.ts:1: cites "research §": research §',
      'src/x.ts:1: § without a docs/<file>.md before it',
    ]);
    expect(check('// (pitfall 12)')).toEqual(['src/x.ts:1: cites a numbered pitfall of the research notes: pitfall 12']);
  });

  it('finds a docs file two headings claim the same section of', () => {
    expect(citationProblems([], new Map([['d.md', '## §1 A\n## §1 B\n']]))).toEqual(['docs/d.md: two headings for §1']);
  });
});
