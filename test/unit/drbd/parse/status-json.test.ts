import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseStatusJson } from '../../../../src/drbd/parse/status-json';

const fixture = (name: string) => readFileSync(join(__dirname, '../../../fixtures/drbd9', name), 'utf8');

describe('parseStatusJson (DRBD 9)', () => {
  it('reads roles, link and per-volume disk states, ignoring unknown keys', () => {
    expect(parseStatusJson(fixture('status-two-volumes-peer-primary.json'))).toEqual([
      {
        name: 'r1',
        role: 'Secondary',
        peerRole: 'Primary',
        link: 'Established',
        connectionText: 'Connected',
        volumes: [
          { minor: 10, volume: 0, disk: 'UpToDate', peerDisk: 'UpToDate' },
          { minor: 11, volume: 1, disk: 'UpToDate', peerDisk: 'UpToDate' },
        ],
      },
    ]);
  });

  it('folds a SyncTarget replication state into the link', () => {
    expect(parseStatusJson(fixture('status-syncing-target.json'))[0]).toMatchObject({
      link: 'SyncTarget',
      volumes: [{ disk: 'Inconsistent', peerDisk: 'UpToDate' }],
    });
  });

  it('treats a resource without connections as StandAlone with an unknown peer', () => {
    expect(parseStatusJson(fixture('status-standalone.json'))[0]).toMatchObject({
      link: 'StandAlone',
      peerRole: 'Unknown',
      volumes: [{ peerDisk: 'DUnknown' }],
    });
  });

  it('rejects an unknown disk state, quoting it', () => {
    const text = fixture('status-standalone.json').replace('Outdated', 'Bogus');
    expect(() => parseStatusJson(text)).toThrow("unknown DRBD disk state 'Bogus'");
  });

  it('rejects output that is not JSON', () => {
    expect(() => parseStatusJson('r0 role:Secondary')).toThrow(/not JSON/);
  });
});
