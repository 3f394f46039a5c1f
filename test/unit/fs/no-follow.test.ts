// replaceFile's temp names are predictable (pid and a counter, so that block-drbd loads no
// node:crypto): what was planted under them must never be written through, and the write must
// still land.
import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replaceFile } from '../../../src/fs/no-follow';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'xen-drbd-no-follow-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const temp = (i: number) => join(dir, `.r0.json.${process.pid}.${i}.tmp`);

it('replaces the file atomically with the mode asked for, leaving no temp file', () => {
  writeFileSync(join(dir, 'r0.json'), 'old');
  replaceFile(join(dir, 'r0.json'), 'new', 0o644);
  expect(readFileSync(join(dir, 'r0.json'), 'utf8')).toBe('new');
  expect(lstatSync(join(dir, 'r0.json')).mode & 0o777).toBe(0o644);
  expect(readdirSync(dir)).toEqual(['r0.json']);
});

it('skips temp names someone planted a link or a file under, writing through neither', () => {
  const target = join(dir, 'victim');
  symlinkSync(target, temp(0));
  writeFileSync(temp(1), 'planted');
  replaceFile(join(dir, 'r0.json'), 'record', 0o644);
  expect(readFileSync(join(dir, 'r0.json'), 'utf8')).toBe('record');
  expect(existsSync(target)).toBe(false);
  expect(readFileSync(temp(1), 'utf8')).toBe('planted');
});

it('gives up, changing nothing, when every temp name it may try is taken', () => {
  for (let i = 0; i < 100; i++) writeFileSync(temp(i), 'planted');
  expect(() => replaceFile(join(dir, 'r0.json'), 'record', 0o644)).toThrow(/EEXIST/);
  expect(existsSync(join(dir, 'r0.json'))).toBe(false);
});
