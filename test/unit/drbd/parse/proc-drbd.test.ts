// /proc/drbd as DRBD 8.4.11 prints it, captured in the lab (test/fixtures/drbd84).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseProcDrbd } from '../../../../src/drbd/parse/proc-drbd';

const fixture = (name: string) => readFileSync(join(__dirname, '../../../fixtures/drbd84', `${name}.stdout`), 'utf8');

describe('parseProcDrbd', () => {
  it.each([
    ['proc_drbd_connected_secondary_uptodate', 'Connected', 'Established', 'Secondary', 'Secondary', 'UpToDate', 'UpToDate'],
    ['proc_drbd_primary_secondary', 'Connected', 'Established', 'Primary', 'Secondary', 'UpToDate', 'UpToDate'],
    ['proc_drbd_secondary_primary', 'Connected', 'Established', 'Secondary', 'Primary', 'UpToDate', 'UpToDate'],
    ['proc_drbd_primary_primary', 'Connected', 'Established', 'Primary', 'Primary', 'UpToDate', 'UpToDate'],
    ['proc_drbd_connected_inconsistent', 'Connected', 'Established', 'Secondary', 'Secondary', 'Inconsistent', 'Inconsistent'],
    ['proc_drbd_syncsource', 'SyncSource', 'SyncSource', 'Primary', 'Secondary', 'UpToDate', 'Inconsistent'],
    ['proc_drbd_synctarget', 'SyncTarget', 'SyncTarget', 'Secondary', 'Primary', 'Inconsistent', 'UpToDate'],
    ['proc_drbd_wfconnection', 'WFConnection', 'Connecting', 'Secondary', 'Unknown', 'UpToDate', 'DUnknown'],
    ['proc_drbd_standalone', 'StandAlone', 'StandAlone', 'Secondary', 'Unknown', 'UpToDate', 'DUnknown'],
    ['proc_drbd_outdated_standalone', 'StandAlone', 'StandAlone', 'Secondary', 'Unknown', 'Outdated', 'DUnknown'],
    ['proc_drbd_outdated_wfconnection', 'WFConnection', 'Connecting', 'Secondary', 'Unknown', 'Outdated', 'DUnknown'],
    ['proc_drbd_diskless_connected', 'Connected', 'Established', 'Secondary', 'Secondary', 'Diskless', 'UpToDate'],
  ])('%s: cs %s', (name, cs, link, role, peerRole, disk, peerDisk) => {
    const proc = parseProcDrbd(fixture(name));
    expect(proc.version).toEqual({ major: 8, minor: 4, patch: 11 });
    expect(proc.minors.get(0)).toEqual({ minor: 0, connectionText: cs, link, role, peerRole, disk, peerDisk });
  });

  it('reads every configured minor (r0 on 0, two-volume r1 on 1 and 2)', () => {
    const proc = parseProcDrbd(fixture('proc_drbd_three_minors'));
    expect([...proc.minors.keys()]).toEqual([0, 1, 2]);
    expect(proc.minors.get(2)).toMatchObject({ disk: 'Inconsistent', link: 'Established' });
  });

  it.each(['proc_drbd_unconfigured', 'proc_drbd_down', 'proc_drbd_diskless'])('%s has no configured minor', (name) => {
    expect(parseProcDrbd(fixture(name)).minors.size).toBe(0);
  });

  it('rejects an unknown state instead of guessing', () => {
    const text = fixture('proc_drbd_primary_secondary').replace('cs:Connected', 'cs:Hovering');
    expect(() => parseProcDrbd(text)).toThrow("unknown DRBD connection state 'Hovering'");
  });

  it('rejects text without the version line', () => {
    expect(() => parseProcDrbd('')).toThrow(/no version line/);
  });
});
