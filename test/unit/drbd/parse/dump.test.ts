// `drbdadm dump RES` read into facts, on real outputs: drbd-utils 9.22 (hosts alpha and bravo) and
// the lab's DRBD 8.4 (hosts hosta and hostb, recorded without allow-two-primaries).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDump } from '../../../../src/drbd/parse/dump';

const utils = (name: string) => readFileSync(join(__dirname, '../../../fixtures/drbd-utils-9.22-nomodule/outputs', name), 'utf8');
const lab = (name: string) => readFileSync(join(__dirname, '../../../fixtures/drbd84', name), 'utf8');

describe('parseDump', () => {
  it('names the peer hosts', () => {
    expect(parseDump(utils('dump-r0.stdout'), 'alpha').peers).toEqual(['bravo']);
  });

  it('sees allow-two-primaries configured, and its absence', () => {
    expect(parseDump(utils('dump-r0.stdout'), 'alpha').twoPrimaries).toBe(true);
    // every captured 9.22 config allows two primaries; the same dump with it switched off:
    const off = utils('dump-r0.stdout').replace('allow-two-primaries yes;', 'allow-two-primaries no;');
    expect(parseDump(off, 'alpha').twoPrimaries).toBe(false);
  });

  it.each([
    ['9.22, one volume', utils('dump-r0.stdout'), 'alpha', { peers: ['bravo'], twoPrimaries: true }],
    ['9.22, two volumes and a connection-mesh', utils('dump-r1-two-volumes.stdout'), 'alpha', { peers: ['bravo'], twoPrimaries: true }],
    ['8.4 syntax through drbdadm-84', utils('drbd84-syntax-dump-with-drbdadm84.stdout'), 'alpha', { peers: ['bravo'], twoPrimaries: true }],
    ['the 8.4 lab, single-primary', lab('drbdadm_dump_r0.stdout'), 'hosta', { peers: ['hostb'], twoPrimaries: false }],
    ['the 8.4 lab, seen from the other host', lab('drbdadm_dump_r0.stdout'), 'hostb', { peers: ['hosta'], twoPrimaries: false }],
  ])('%s', (_what, dump, thisHost, facts) => {
    expect(parseDump(dump, thisHost)).toEqual({ ...facts, fencing: undefined });
  });
});
