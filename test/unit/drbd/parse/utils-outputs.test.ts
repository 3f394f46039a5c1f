// Parsers and classifiers on drbd-utils 9.22's own outputs (captured without a kernel module).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classifyFailure, meaningfulLines } from '../../../../src/drbd/parse/failure';
import { parseShDev } from '../../../../src/drbd/parse/sh-dev';

const out = (name: string) => readFileSync(join(__dirname, '../../../fixtures/drbd-utils-9.22-nomodule/outputs', name), 'utf8');

describe('drbdadm sh-dev', () => {
  it('gives one device per volume', () => {
    expect(parseShDev(out('sh-dev-r0.stdout'))).toEqual(['/dev/drbd0']);
    expect(parseShDev(out('sh-dev-r1.stdout'))).toEqual(['/dev/drbd10', '/dev/drbd11']);
  });
  it('rejects empty output', () => {
    expect(() => parseShDev(out('err-unknown-resource-sh-dev.stdout'))).toThrow(/printed no device/);
  });
});

describe('failure classification', () => {
  it.each([
    ['err-unknown-resource-sh-dev.stderr', 'not-defined'],
    ['err-unknown-resource-role.stderr', 'not-defined'],
    ['nomodule-primary-r0.stderr', 'no-module'],
    ['nomodule-role-r0.stderr', 'no-module'],
    // DRBD 9's state read (drbdsetup status --json): drbdsetup's own words, not drbdadm's.
    ['nomodule-drbdsetup-status-json-r0.stderr', 'no-module'],
  ])('%s → %s', (file, kind) => {
    expect(classifyFailure(out(file))).toBe(kind);
  });

  it('drops modinfo noise from what the admin is shown', () => {
    expect(meaningfulLines(out('err-unknown-resource-sh-dev.stderr'))).toBe("'nosuch' not defined in your config (for this host).");
  });
});
