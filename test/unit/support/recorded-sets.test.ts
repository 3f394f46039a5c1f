// Every recorded fixture set is read by some test (test/support/recorded-sets.ts says how that is
// judged): a set nothing reads looks like coverage it does not give.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { uncheckedFixtureFolders, unreadSets } from '../../support/recorded-sets';

const REPO = resolve(__dirname, '../../..');

test('no recorded set in this repository goes unread', () => {
  expect(unreadSets(REPO)).toEqual([]);
});

test('every fixtures folder holding data is checked (or holds the inputs of a capture)', () => {
  expect(uncheckedFixtureFolders(REPO)).toEqual([]);
});

describe('what counts as read', () => {
  let root: string;
  const write = (path: string, text = '') => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'recorded-sets-'));
    for (const part of ['stdout', 'stderr', 'rc']) {
      for (const name of ['by-stem', 'by-file', 'by-path', 'by-template', 'in-comment', 'in-lab', 'unread'])
        write(`test/rec/${name}.${part}`);
    }
    write('test/rec/INDEX.tsv', 'by-stem\tunread\n');
    write('test/rec/README.md', '`unread`\n');
    write(
      'test/unit/a.test.ts',
      [
        "read('by-stem');",
        "read('by-file.stderr');",
        "read(join(DIR, 'x/by-path.stdout'));",
        "for (const k of ['template']) read(`by-${k}.rc`);",
        "// read('in-comment') is no read",
      ].join('\n'),
    );
    write('test/lab/capture.ts', "cap('in-lab');");
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('a set is read when a literal or a one-placeholder template in test code names it', () => {
    expect(unreadSets(root, ['test/rec'])).toEqual(['test/rec/in-comment', 'test/rec/in-lab', 'test/rec/unread']);
  });

  test('a new folder of fixtures is noticed, scripts and READMEs aside', () => {
    write('test/fixtures/tools/fetch.sh');
    write('test/fixtures/tools/README.md');
    write('test/unit/x/fixtures/v1/answer.stdout');
    expect(uncheckedFixtureFolders(root)).toEqual(['test/unit/x/fixtures/v1']);
  });

  test('a lone sample file is a set of its own', () => {
    write('test/rec/sample.xml');
    expect(unreadSets(root, ['test/rec'])).toContain('test/rec/sample.xml');
    write('test/unit/b.test.ts', "fixture('sample.xml');");
    expect(unreadSets(root, ['test/rec'])).not.toContain('test/rec/sample.xml');
  });
});
