// The real DRBD 9.2.18 captures from the lab (test/fixtures/drbd9/lab-9.2.18/README.md) through
// the parsers that read DRBD 9's outputs, so a parser that stops matching the real thing fails here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classifyEvents2Line } from '../../../../src/drbd/parse/events2';
import { parseProcDrbd } from '../../../../src/drbd/parse/proc-drbd';
import { parseRunningResource } from '../../../../src/drbd/parse/show';
import { parseStatusJson } from '../../../../src/drbd/parse/status-json';

const capture = (name: string) => readFileSync(join(__dirname, '../../../fixtures/drbd9', 'lab-9.2.18', name), 'utf8');

/** Each captured state (and host) with what DRBD said in it. */
const STATES: Array<[string, { role: string; peerRole: string; link: string; peerDisk: string; drbdadm: string }]> = [
  [
    'connected-secondary.hostA',
    {
      role: 'Secondary',
      peerRole: 'Secondary',
      link: 'Established',
      peerDisk: 'UpToDate',
      drbdadm: 'Secondary Connected UpToDate/UpToDate',
    },
  ],
  [
    'connected-secondary.hostB',
    {
      role: 'Secondary',
      peerRole: 'Secondary',
      link: 'Established',
      peerDisk: 'UpToDate',
      drbdadm: 'Secondary Connected UpToDate/UpToDate',
    },
  ],
  [
    'primary-on-A.hostA',
    { role: 'Primary', peerRole: 'Secondary', link: 'Established', peerDisk: 'UpToDate', drbdadm: 'Primary Connected UpToDate/UpToDate' },
  ],
  [
    'primary-on-A.hostB',
    { role: 'Secondary', peerRole: 'Primary', link: 'Established', peerDisk: 'UpToDate', drbdadm: 'Secondary Connected UpToDate/UpToDate' },
  ],
  [
    'peer-disconnected.hostA',
    { role: 'Secondary', peerRole: 'Unknown', link: 'Connecting', peerDisk: 'DUnknown', drbdadm: 'Secondary Connecting UpToDate/DUnknown' },
  ],
  [
    'standalone.hostB',
    { role: 'Secondary', peerRole: 'Unknown', link: 'StandAlone', peerDisk: 'DUnknown', drbdadm: 'Secondary StandAlone UpToDate/DUnknown' },
  ],
];

describe.each(STATES)('DRBD 9.2.18 lab capture %s', (state, want) => {
  it('status --json parses to its roles, link and disks', () => {
    const [r] = parseStatusJson(capture(`${state}.status.json`));
    expect(r).toMatchObject({ name: 'r0', role: want.role, peerRole: want.peerRole, link: want.link });
    expect(r?.volumes).toEqual([{ minor: 0, volume: 0, disk: 'UpToDate', peerDisk: want.peerDisk }]);
  });

  it('events2 --now, drbdadm status and /proc/drbd say the same', () => {
    expect(capture(`${state}.events2.txt`)).toMatch(new RegExp(`^exists resource name:r0 role:${want.role} `));
    expect(capture(`${state}.drbdadm-status.txt`)).toMatch(new RegExp(`^r0 role:${want.role}\\n`));
    expect(parseProcDrbd(capture(`${state}.proc-drbd.txt`))).toEqual({ version: { major: 9, minor: 2, patch: 18 }, minors: new Map() });
  });

  it('events2 --now: the watch reads every line as the state, told in full at its last', () => {
    const lines = capture(`${state}.events2.txt`).trimEnd().split('\n');
    expect(lines.map(classifyEvents2Line)).toEqual([...lines.slice(1).map(() => 'other'), 'state-told']);
  });

  it("drbdadm role/cstate/dstate print the local role alone, not 8.4's local/peer pair", () => {
    const lines = capture(`${state}.drbdadm-role-cstate-dstate.txt`)
      .split('\n')
      .filter((l) => !l.startsWith('rc='));
    expect(lines.filter(Boolean).join(' ')).toBe(want.drbdadm);
  });

  it('drbdsetup show names minor 0 as volume 0', () => {
    expect(parseRunningResource(capture(`${state}.show.txt`), 'r0').volumes).toEqual([{ volume: 0, minor: 0 }]);
  });
});

describe('events2 streamed on A while A was cut off from B and C and came back', () => {
  const lines = capture('cut-off-and-back.hostA.events2-stream.txt').trimEnd().split('\n');
  const told = lines.indexOf('exists -');

  it('tells the state (exists lines) until `exists -`, then nothing of it as a change', () => {
    expect(told).toBeGreaterThan(0);
    expect(lines.slice(0, told).every((l) => l.startsWith('exists ') && classifyEvents2Line(l) === 'other')).toBe(true);
    expect(classifyEvents2Line(lines[told] as string)).toBe('state-told');
  });

  it('reads every change after it as one, and the lost events (`- skipped N`) too; helper calls are not', () => {
    const after = lines.slice(told + 1);
    const changed = after.filter((l) => classifyEvents2Line(l) === 'state-changed');
    expect(changed).toEqual(after.filter((l) => l.startsWith('change ') || l.startsWith('- skipped ')));
    expect(after.filter((l) => classifyEvents2Line(l) === 'other').every((l) => /^(call|response) helper /.test(l))).toBe(true);
    // What the watch must see among them: the quorum lost and found again.
    expect(changed).toContain('change device name:r0 volume:0 minor:0 backing_dev:/dev/loop2 disk:UpToDate client:no quorum:no');
    expect(changed).toContain('change device name:r0 volume:0 minor:0 backing_dev:/dev/loop2 disk:UpToDate client:no quorum:yes');
  });
});

describe('DRBD 9.2.18 refusals on B while A is Primary', () => {
  it('drbdadm primary: multiple primaries not allowed (drbdsetup exit 11)', () => {
    expect(capture('refusal-primary-while-peer-primary.hostB.txt')).toContain(
      'State change failed: (-1) Multiple primaries not allowed by config',
    );
  });

  it('opening the device (auto-promote refused): Wrong medium type', () => {
    expect(capture('refusal-open-while-peer-primary.hostB.txt')).toContain("failed to open '/dev/drbd0': Wrong medium type");
  });
});
