// Parsers and classifiers on drbd-utils 9.22's own outputs (captured without a kernel module), and
// on the lab's 8.4 `drbdadm dump` (test/fixtures/drbd84).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configuredTwoPrimaries, peerNames } from '../../../../src/drbd/drbd';
import { classifyFailure, meaningfulLines } from '../../../../src/drbd/parse/failure';
import { parseShDev } from '../../../../src/drbd/parse/sh-dev';

const out = (name: string) => readFileSync(join(__dirname, '../../../fixtures/drbd-utils-9.22-nomodule/outputs', name), 'utf8');
const lab84 = (name: string) => readFileSync(join(__dirname, '../../../fixtures/drbd84', name), 'utf8');

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

describe('drbdadm dump', () => {
  it('names the peer hosts', () => {
    expect(peerNames(out('dump-r0.stdout'), 'alpha')).toEqual(['bravo']);
    expect(peerNames(lab84('drbdadm_dump_r0.stdout'), 'hosta')).toEqual(['hostb']);
  });
  it('sees allow-two-primaries configured, and its absence', () => {
    expect(configuredTwoPrimaries(out('dump-r0.stdout'))).toBe(true);
    // every captured config allows two primaries; the same dump with it switched off:
    const off = out('dump-r0.stdout').replace('allow-two-primaries yes;', 'allow-two-primaries no;');
    expect(configuredTwoPrimaries(off)).toBe(false);
    // the lab's r0 leaves it out, as 8.4's drbdadm dump prints it
    expect(configuredTwoPrimaries(lab84('drbdadm_dump_r0.stdout'))).toBe(false);
  });
});
