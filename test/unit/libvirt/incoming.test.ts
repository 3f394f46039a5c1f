// The marks `migrate begin` leaves for the destination's `prepare`.
import { mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileIncomingMarks, INCOMING_MAX_AGE_MS } from '../../../src/libvirt/incoming';

let dir: string;
let now: number;
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'incoming-')), 'incoming');
  now = 1_000_000;
});
afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

const marks = () => new FileIncomingMarks(dir, () => now);

test('a mark is taken once, by its own holder', () => {
  marks().mark('libvirt:libxl/vm1');
  expect(marks().take('libvirt:libxl/vm2')).toBe(false);
  expect(marks().take('libvirt:libxl/vm1')).toBe(true);
  expect(marks().take('libvirt:libxl/vm1')).toBe(false);
  expect(readdirSync(dir)).toEqual([]);
});

test('a mark older than a migration takes is not taken, and is cleared', () => {
  marks().mark('libvirt:libxl/vm1');
  now += INCOMING_MAX_AGE_MS + 1;
  expect(marks().take('libvirt:libxl/vm1')).toBe(false);
  expect(readdirSync(dir)).toEqual([]);
});

test('a domain name with slashes, dots or newlines stays one file inside the directory', () => {
  for (const name of ['../../etc/passwd', '..', 'a\nb']) marks().mark(`libvirt:qemu/${name}`);
  expect(readdirSync(dir)).toHaveLength(3);
  expect(readdirSync(dir).every((f) => /^[0-9a-f]{64}$/.test(f))).toBe(true);
  expect(marks().take('libvirt:qemu/a\nb')).toBe(true);
});

test('a link planted in place of a mark is not followed and counts as no mark', () => {
  const m = marks();
  m.mark('libvirt:libxl/vm1');
  const name = readdirSync(dir)[0] as string;
  const victim = join(dir, '..', 'victim');
  writeFileSync(victim, `${now} libvirt:libxl/vm1\n`);
  rmSync(join(dir, name));
  symlinkSync(victim, join(dir, name));
  expect(m.take('libvirt:libxl/vm1')).toBe(false);
});
