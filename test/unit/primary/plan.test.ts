// The safety rules of add, on a table of states.
import type { DiskState, Link, ResourceName, ResourceState, Role } from '../../../src/drbd/types';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseStatusJson } from '../../../src/drbd/parse/status-json';
import { planAdd, type AddContext } from '../../../src/primary/plan';

const r0 = 'r0' as ResourceName;
const normal: AddContext = { ref: { name: r0 }, incomingMigration: false, migrationMode: 'runtime-dual-primary' };
const incoming: AddContext = { ...normal, incomingMigration: true };

/** The decision with a refusal in words, as add puts it once it has looked the peer's name up. */
function decide(s: ResourceState, ctx: AddContext, peerName?: string) {
  const d = planAdd(s, ctx);
  return d.kind === 'refuse' ? { kind: d.kind, reason: d.reason(peerName) } : d;
}

function state(role: Role, peerRole: Role, link: Link, disk: DiskState, peerDisk: DiskState, cs: string = link): ResourceState {
  return { name: r0, role, peerRole, link, connectionText: cs, volumes: [{ minor: 0, disk, peerDisk }] };
}

describe('planAdd on a normal start', () => {
  it.each<[string, ResourceState, string]>([
    ['healthy, both Secondary', state('Secondary', 'Secondary', 'Established', 'UpToDate', 'UpToDate', 'Connected'), 'promote'],
    [
      'failover: peer unreachable, local UpToDate',
      state('Secondary', 'Unknown', 'Connecting', 'UpToDate', 'DUnknown', 'WFConnection'),
      'promote',
    ],
    ['we are the resync source', state('Secondary', 'Secondary', 'SyncSource', 'UpToDate', 'Inconsistent'), 'promote'],
    ['resync target with an UpToDate peer', state('Secondary', 'Secondary', 'SyncTarget', 'Inconsistent', 'UpToDate'), 'promote'],
    ['diskless client of an UpToDate peer', state('Secondary', 'Secondary', 'Established', 'Diskless', 'UpToDate', 'Connected'), 'promote'],
    ['already Primary here', state('Primary', 'Secondary', 'Established', 'UpToDate', 'UpToDate', 'Connected'), 'already-primary'],
    ['peer Primary', state('Secondary', 'Primary', 'Established', 'UpToDate', 'UpToDate', 'Connected'), 'refuse'],
    [
      'peer Primary while we are Primary too (dual-primary config)',
      state('Primary', 'Primary', 'Established', 'UpToDate', 'UpToDate', 'Connected'),
      'refuse',
    ],
    ['StandAlone after split-brain', state('Secondary', 'Unknown', 'StandAlone', 'UpToDate', 'DUnknown', 'StandAlone'), 'refuse'],
    [
      'Consistent at boot, peer not yet connected',
      state('Secondary', 'Unknown', 'Connecting', 'Consistent', 'DUnknown', 'WFConnection'),
      'wait',
    ],
    ['Outdated, peer not connected', state('Secondary', 'Unknown', 'Connecting', 'Outdated', 'DUnknown', 'WFConnection'), 'wait'],
    ['Inconsistent, peer not connected', state('Secondary', 'Unknown', 'Connecting', 'Inconsistent', 'DUnknown', 'WFConnection'), 'wait'],
    ['connected but neither side UpToDate', state('Secondary', 'Secondary', 'Established', 'Outdated', 'Outdated', 'Connected'), 'refuse'],
    ['attaching', state('Secondary', 'Secondary', 'Established', 'Attaching', 'UpToDate', 'Connected'), 'wait'],
    ['bitmap exchange', state('Secondary', 'Secondary', 'Handshake', 'UpToDate', 'UpToDate', 'WFBitMapS'), 'wait'],
  ])('%s → %s', (_name, s, kind) => {
    expect(decide(s, normal).kind).toBe(kind);
  });

  it('names the peer and the fix when refusing a second writer', () => {
    const d = decide(state('Secondary', 'Primary', 'Established', 'UpToDate', 'UpToDate', 'Connected'), normal, 'alpha');
    expect(d).toEqual({
      kind: 'refuse',
      reason:
        "r0: peer alpha is Primary; refusing to start a second writer. Stop the domain on alpha first, or migrate it live ('xl migrate', 'virsh migrate --live').",
    });
  });

  it('says the peer and the other host when the peer has no known name', () => {
    const d = decide(state('Secondary', 'Primary', 'Established', 'UpToDate', 'UpToDate', 'Connected'), normal);
    expect(d).toEqual({
      kind: 'refuse',
      reason:
        "r0: the peer is Primary; refusing to start a second writer. Stop the domain on the other host first, or migrate it live ('xl migrate', 'virsh migrate --live').",
    });
  });

  it('warns that a domain on a resyncing disk depends on the link', () => {
    const d = decide(state('Secondary', 'Secondary', 'SyncTarget', 'Inconsistent', 'UpToDate'), normal);
    expect(d).toMatchObject({
      kind: 'promote',
      dualPrimary: false,
      warnings: [expect.stringContaining('depends on the replication link')],
    });
  });

  it('refuses when a resource has no volume up', () => {
    const s: ResourceState = { ...state('Unknown', 'Unknown', 'StandAlone', 'DUnknown', 'DUnknown', 'Unconfigured'), volumes: [] };
    expect(decide(s, normal)).toMatchObject({ kind: 'refuse', reason: expect.stringContaining("'drbdadm up r0'") });
  });

  it("refuses a StandAlone resource with DRBD's manual split-brain recovery, run by nobody but the admin", () => {
    const d = decide(state('Secondary', 'Unknown', 'StandAlone', 'UpToDate', 'DUnknown'), normal, 'hostb');
    expect(d.kind === 'refuse' && d.reason).toBe(
      'r0: DRBD is StandAlone (UpToDate): not connected to peer hostb and not trying (split-brain, or disconnected by hand). ' +
        "After a split-brain, decide which host's changes to discard; on that host stop the domains on it, then " +
        "'drbdadm secondary r0', 'drbdadm connect --discard-my-data r0'; on the other host 'drbdadm connect r0'. " +
        "If it was disconnected on purpose, 'drbdadm connect r0' on both hosts. Then start the domain again.",
    );
  });

  it('judges every volume: one Outdated volume without a peer blocks the promote', () => {
    const s: ResourceState = {
      ...state('Secondary', 'Unknown', 'Connecting', 'UpToDate', 'DUnknown', 'WFConnection'),
      volumes: [
        { minor: 10, disk: 'UpToDate', peerDisk: 'DUnknown' },
        { minor: 11, disk: 'Outdated', peerDisk: 'DUnknown' },
      ],
    };
    expect(decide(s, normal)).toMatchObject({ kind: 'wait', reason: expect.stringContaining('UpToDate,Outdated') });
  });
});

describe('planAdd with DRBD 9 quorum', () => {
  const noQuorum = (s: ResourceState): ResourceState => ({ ...s, volumes: s.volumes.map((v) => ({ ...v, quorum: false as const })) });

  it('refuses a start on a host without quorum even with UpToDate data, naming quorum and the peers', () => {
    const s = noQuorum(state('Secondary', 'Unknown', 'Connecting', 'UpToDate', 'DUnknown', 'hostb Connecting, hostc Connecting'));
    expect(decide(s, normal)).toEqual({
      kind: 'refuse',
      reason:
        "r0: this host has no DRBD quorum (it sees too few of the resource's nodes: hostb Connecting, hostc Connecting); " +
        'refusing to promote, and never with --force. Start the domain on a host that has quorum.',
    });
  });

  it('refuses on the real status of a host cut off from both peers (DRBD 9.2.18, lab)', () => {
    const text = readFileSync(join(__dirname, '../../fixtures/drbd9/lab-9.2.18/three-nodes-no-quorum.hostA.status.json'), 'utf8');
    const d = decide(parseStatusJson(text)[0]!, normal);
    expect(d).toMatchObject({
      kind: 'refuse',
      reason: expect.stringContaining("no DRBD quorum (it sees too few of the resource's nodes: hostb Connecting, hostc Connecting)"),
    });
  });

  it('still names a Primary peer first: the second writer is the bigger problem', () => {
    const s = noQuorum(state('Secondary', 'Primary', 'Established', 'UpToDate', 'UpToDate', 'Connected'));
    expect(decide(s, normal, 'hostb')).toMatchObject({ kind: 'refuse', reason: expect.stringContaining('peer hostb is Primary') });
  });

  it('refuses an incoming migration on a host without quorum, the domain staying on the source', () => {
    const d = decide(noQuorum(state('Secondary', 'Primary', 'Established', 'UpToDate', 'UpToDate', 'Connected')), incoming);
    expect(d.kind === 'refuse' && d.reason).toMatch(/no DRBD quorum.*keeps running on the source/);
  });

  it('leaves a repeated add on the host it already promoted alone', () => {
    expect(decide(noQuorum(state('Primary', 'Secondary', 'Established', 'UpToDate', 'UpToDate', 'Connected')), normal).kind).toBe(
      'already-primary',
    );
  });
});

describe('planAdd on the destination of xl migrate', () => {
  it('promotes with dual-primary when connected, both UpToDate and the source Primary', () => {
    expect(decide(state('Secondary', 'Primary', 'Established', 'UpToDate', 'UpToDate', 'Connected'), incoming)).toEqual({
      kind: 'promote',
      dualPrimary: true,
      warnings: [],
    });
  });

  it('takes a repeated claim on the destination, the source still Primary, as done', () => {
    expect(decide(state('Primary', 'Primary', 'Established', 'UpToDate', 'UpToDate', 'Connected'), incoming).kind).toBe('already-primary');
  });

  it.each<[string, ResourceState, RegExp]>([
    [
      'not connected',
      state('Secondary', 'Unknown', 'Connecting', 'UpToDate', 'DUnknown', 'WFConnection'),
      /connection is WFConnection, not Connected/,
    ],
    ['resyncing', state('Secondary', 'Primary', 'SyncTarget', 'Inconsistent', 'UpToDate'), /local disk is Inconsistent/],
    [
      'source not Primary',
      state('Secondary', 'Secondary', 'Established', 'UpToDate', 'UpToDate', 'Connected'),
      /the peer is Secondary, not Primary/,
    ],
  ])('refuses when %s, and says the domain keeps running on the source', (_n, s, why) => {
    const d = decide(s, incoming);
    expect(d.kind).toBe('refuse');
    expect(d.kind === 'refuse' && d.reason).toMatch(why);
    expect(d.kind === 'refuse' && d.reason).toMatch(/keeps running on the source/);
  });
});

describe('planAdd for an incoming migration on DRBD 9', () => {
  it('allows two primaries on the connection to the source only, named from the status', () => {
    const s: ResourceState = { ...state('Secondary', 'Primary', 'Established', 'UpToDate', 'UpToDate', 'Connected'), peerName: 'hosta' };
    expect(decide(s, incoming)).toEqual({ kind: 'promote', dualPrimary: true, dualPrimaryPeer: 'hosta', warnings: [] });
  });
});

describe('planAdd under each migration mode', () => {
  const sourcePrimary = state('Secondary', 'Primary', 'Established', 'UpToDate', 'UpToDate', 'Connected');

  it('require-configured promotes without a runtime switch when the config allows two primaries', () => {
    expect(decide(sourcePrimary, { ...incoming, migrationMode: 'require-configured', twoPrimariesConfigured: true })).toEqual({
      kind: 'promote',
      dualPrimary: false,
      warnings: [],
    });
  });

  it('require-configured refuses a resource that is single-primary in its config', () => {
    const d = decide(sourcePrimary, { ...incoming, migrationMode: 'require-configured', twoPrimariesConfigured: false });
    expect(d).toMatchObject({ kind: 'refuse', reason: expect.stringContaining('forbids switching it on at run time') });
  });

  it('refuse mode refuses every incoming migration', () => {
    expect(decide(sourcePrimary, { ...incoming, migrationMode: 'refuse' })).toMatchObject({
      kind: 'refuse',
      reason: expect.stringContaining('live migration of DRBD-backed domains is disabled'),
    });
  });

  it('a permanently dual-primary resource is still refused for a normal start while the peer is Primary', () => {
    expect(decide(sourcePrimary, { ...normal, twoPrimariesConfigured: true }).kind).toBe('refuse');
  });
});
