// DRBD 8.4's refusals, as drbdadm printed them in the lab.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classifyFailure, meaningfulLines } from '../../../../src/drbd/parse/failure';
import { parseShDev } from '../../../../src/drbd/parse/sh-dev';

const read = (name: string, ext: string) => readFileSync(join(__dirname, '../../../fixtures/drbd84', `${name}.${ext}`), 'utf8');

describe('8.4 refusals', () => {
  it.each([
    ['drbdadm_primary_peer_primary', 'two-primaries'],
    ['drbdadm_primary_synctarget_peer_primary', 'two-primaries'],
    ['drbdadm_primary_outdated_no_peer', 'no-uptodate-data'],
    ['drbdadm_primary_outdated_wfconnection', 'no-uptodate-data'],
    ['drbdadm_primary_inconsistent_connected', 'no-uptodate-data'],
    ['drbdadm_primary_diskless_standalone', 'no-uptodate-data'],
    ['drbdadm_secondary_held_open', 'held-open'],
    ['drbdadm_sh_dev_nosuch', 'not-defined'],
    ['drbdadm_role_down', 'other'],
  ])('%s → %s', (name, kind) => {
    expect(classifyFailure(read(name, 'stderr'))).toBe(kind);
  });

  it("keeps DRBD's own words for the admin", () => {
    expect(meaningfulLines(read('drbdadm_secondary_held_open', 'stderr'))).toBe(
      "0: State change failed: (-12) Device is held open by someone; Command 'drbdsetup-84 secondary 0' terminated with exit code 11",
    );
  });

  it('resolves volumes of a two-volume resource', () => {
    expect(parseShDev(read('drbdadm_sh_dev_r1', 'stdout'))).toEqual(['/dev/drbd1', '/dev/drbd2']);
    expect(parseShDev(read('drbdadm_sh_dev_r1_1', 'stdout'))).toEqual(['/dev/drbd2']);
  });
});
