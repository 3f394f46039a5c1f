// parseStatusJson on real `drbdsetup status --json` outputs of DRBD 9.2.18 / drbd-utils 9.22.0
// from the lab (test/fixtures/drbd9/lab-9.2.18/README.md says how each was made).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseStatusJson } from '../../../../src/drbd/parse/status-json';

const fixture = (name: string) => readFileSync(join(__dirname, '../../../fixtures/drbd9/lab-9.2.18', name), 'utf8');

describe('parseStatusJson (DRBD 9)', () => {
  it('reads roles, link, per-volume disk states and the peer by name, ignoring the keys it does not use', () => {
    expect(parseStatusJson(fixture('two-volumes-peer-primary.hostB.status.json'))).toEqual([
      {
        name: 'r1',
        role: 'Secondary',
        peerRole: 'Primary',
        peerName: 'hosta',
        link: 'Established',
        connectionText: 'Connected',
        volumes: [
          { minor: 1, volume: 0, disk: 'UpToDate', peerDisk: 'UpToDate' },
          { minor: 2, volume: 1, disk: 'UpToDate', peerDisk: 'UpToDate' },
        ],
      },
    ]);
  });

  it('folds a SyncTarget replication state of one volume into the link', () => {
    expect(parseStatusJson(fixture('sync-target.hostB.status.json'))[0]).toMatchObject({
      link: 'SyncTarget',
      volumes: [
        { volume: 0, disk: 'Inconsistent', peerDisk: 'UpToDate' },
        { volume: 1, disk: 'UpToDate', peerDisk: 'UpToDate' },
      ],
    });
  });

  it('reads a StandAlone resource, which still lists its connection, as StandAlone with an unknown peer', () => {
    expect(parseStatusJson(fixture('standalone.hostB.status.json'))[0]).toMatchObject({
      link: 'StandAlone',
      peerRole: 'Unknown',
      connectionText: 'StandAlone',
      volumes: [{ disk: 'UpToDate', peerDisk: 'DUnknown' }],
    });
  });

  describe('three nodes (A and B with disks, C a diskless tiebreaker, quorum majority)', () => {
    it('names every peer, and speaks through one that has the data', () => {
      const s = parseStatusJson(fixture('three-nodes-connected.hostA.status.json'))[0];
      expect(s).toMatchObject({ peerName: 'hostb', link: 'Established', connectionText: 'hostb Connected, hostc Connected' });
      expect(s?.volumes).toEqual([{ minor: 0, volume: 0, disk: 'UpToDate', peerDisk: 'UpToDate' }]);
    });

    it('reads the diskless tiebreaker: its data comes from a peer', () => {
      expect(parseStatusJson(fixture('three-nodes-connected.hostC.status.json'))[0]).toMatchObject({
        peerName: 'hosta',
        volumes: [{ disk: 'Diskless', peerDisk: 'UpToDate' }],
      });
    });

    it('marks the volumes of a host cut off from both peers as without quorum', () => {
      expect(parseStatusJson(fixture('three-nodes-no-quorum.hostA.status.json'))[0]).toEqual({
        name: 'r0',
        role: 'Secondary',
        peerRole: 'Unknown',
        peerName: 'hostb',
        link: 'Connecting',
        connectionText: 'hostb Connecting, hostc Connecting',
        volumes: [{ minor: 0, volume: 0, disk: 'UpToDate', peerDisk: 'DUnknown', quorum: false }],
      });
    });

    it('speaks through the connected peer when the first one listed is gone (quorum kept)', () => {
      const s = parseStatusJson(fixture('three-nodes-peer-cut-off.hostB.status.json'))[0];
      expect(s).toMatchObject({ peerName: 'hostc', link: 'Established', connectionText: 'hosta Connecting, hostc Connected' });
      expect(s?.volumes).toEqual([{ minor: 0, volume: 0, disk: 'UpToDate', peerDisk: 'Diskless' }]);
    });
  });

  it('rejects an unknown disk state, quoting it', () => {
    const text = fixture('standalone.hostB.status.json').replace('"disk-state": "UpToDate"', '"disk-state": "Bogus"');
    expect(() => parseStatusJson(text)).toThrow("unknown DRBD disk state 'Bogus'");
  });

  it('rejects output that is not JSON', () => {
    expect(() => parseStatusJson('r0 role:Secondary')).toThrow(/not JSON/);
  });
});
