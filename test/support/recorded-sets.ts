// Recorded fixture sets (real tool outputs and wire samples) that no test reads. A set is one
// recorded answer: NAME.stdout, NAME.stderr, NAME.rc (and NAME.cmd) together, or one sample file.
// It counts as read when the code of a test source (comments do not count) has a string literal
// naming it, by stem or file name, alone or at the end of a path, or a template `prefix${x}suffix`
// that gives its name with some string literal of the same file as x (`request-${command}.xml`).
// Sources are everything under test/ that npm test runs or loads: test/lab is left out (its capture
// script writes every set, and the lab suite is not part of npm test), and so is test/fixtures.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import ts from 'typescript';

/** Every folder of recorded sets, relative to the repository root. */
const RECORDED_DIRS = [
  'test/fixtures/drbd84',
  'test/fixtures/drbd-utils-9.22-nomodule/outputs',
  'test/fixtures/drbd9',
  'test/fixtures/drbd9/lab-9.2.18',
  'test/fixtures/libvirt/lab-9.0.0',
  'test/fixtures/node',
  'test/fixtures/xapi',
  'test/fixtures/xl',
  'test/unit/lvm/fixtures/lvm2-2.03.16',
];

/** The inputs a capture used (its configs), not recorded answers. */
const INPUT_DIRS = ['test/fixtures/drbd-utils-9.22-nomodule/config'];

/** What describes a folder of sets rather than being one. */
const NOT_A_SET = new Set(['README.md', 'INDEX.tsv']);
const PART = /\.(stdout|stderr|rc|cmd)$/;
const SOURCE = /\.(ts|cjs|js)$/;
const SKIPPED = ['test/lab', 'test/fixtures'];

/** The sets in a folder: for each, its stem and the names of its files. */
function setsIn(dir: string): Map<string, string[]> {
  const sets = new Map<string, string[]>();
  for (const file of readdirSync(dir).filter((f) => !NOT_A_SET.has(f))) {
    const stem = PART.test(file) ? file.replace(PART, '') : file;
    sets.set(stem, [...(sets.get(stem) ?? []), file]);
  }
  return sets;
}

function sourcesUnder(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((d) => {
    const rel = join(dir, d.name);
    if (d.isDirectory()) return SKIPPED.includes(rel) || d.name === 'node_modules' ? [] : sourcesUnder(root, rel);
    return SOURCE.test(d.name) ? [rel] : [];
  });
}

/**
 * Every name the code of one source gives a file: its string literals, their last path part, and
 * its one-placeholder templates filled with each of its literals. TypeScript's own parser finds
 * them, so comments, regular expressions and nesting cannot confuse the count.
 */
function namesIn(file: string, text: string): Set<string> {
  const literals: string[] = [];
  const templates: Array<readonly [string, string]> = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) literals.push(node.text);
    else if (ts.isTemplateExpression(node) && node.templateSpans.length === 1)
      templates.push([node.head.text, node.templateSpans[0]?.literal.text ?? '']);
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, file.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS));
  const names = new Set(literals.flatMap((l) => [l, basename(l)]));
  for (const [prefix, suffix] of templates) for (const l of literals) names.add(basename(`${prefix}${l}${suffix}`));
  return names;
}

/** The sets no test names, as `folder/stem`, in folder order. */
export function unreadSets(root: string, dirs: readonly string[] = RECORDED_DIRS): string[] {
  const named = new Set<string>();
  for (const file of sourcesUnder(root, 'test')) for (const n of namesIn(file, readFileSync(join(root, file), 'utf8'))) named.add(n);
  return dirs.flatMap((dir) =>
    [...setsIn(join(root, dir))]
      .filter(([stem, files]) => !named.has(stem) && !files.some((f) => named.has(f)))
      .map(([stem]) => relative(root, join(root, dir, stem))),
  );
}

/** Folders under a `fixtures` folder that hold data files but are neither checked above nor inputs (scripts do not count). */
export function uncheckedFixtureFolders(root: string, dir = 'test'): string[] {
  const entries = readdirSync(join(root, dir), { withFileTypes: true });
  const data = entries.filter((e) => !e.isDirectory() && !NOT_A_SET.has(e.name) && !e.name.endsWith('.sh'));
  const inFixtures = dir.split('/').includes('fixtures');
  const here =
    inFixtures && data.length > 0 && !RECORDED_DIRS.includes(dir) && !INPUT_DIRS.some((d) => dir === d || dir.startsWith(`${d}/`))
      ? [dir]
      : [];
  const below = entries.filter((e) => e.isDirectory() && e.name !== 'node_modules' && join(dir, e.name) !== 'test/lab');
  return [...here, ...below.flatMap((e) => uncheckedFixtureFolders(root, join(dir, e.name)))];
}
