import type { DiskState, Link } from '../../../src/drbd/types';
import { attachHealth, localHealth, peerHealth, settling } from '../../../src/drbdlvm-sr/drbd-health';
import { drbdState } from './drbd-state';

const verdict = (h: ReturnType<typeof peerHealth>): string => (h.ok ? 'ok' : h.error);

describe('peerHealth: what metadata changes and split-host writes need', () => {
  it.each<[Link, DiskState, DiskState, string]>([
    ['Established', 'UpToDate', 'UpToDate', 'ok'],
    ['StandAlone', 'UpToDate', 'DUnknown', 'DrbdStandAlone'],
    ['Connecting', 'UpToDate', 'DUnknown', 'DrbdNotConnected'],
    ['Handshake', 'UpToDate', 'UpToDate', 'DrbdNotConnected'],
    ['SyncSource', 'UpToDate', 'Inconsistent', 'DrbdPeerNotUpToDate'],
    ['SyncTarget', 'Inconsistent', 'UpToDate', 'DrbdLocalNotUpToDate'],
    ['Established', 'UpToDate', 'Outdated', 'DrbdPeerNotUpToDate'],
    ['Established', 'Outdated', 'UpToDate', 'DrbdLocalNotUpToDate'],
    ['Established', 'Diskless', 'UpToDate', 'DrbdLocalNotUpToDate'],
  ])('%s, local %s, peer %s → %s', (link, disk, peer, expected) => {
    expect(verdict(peerHealth(drbdState(link, disk, peer)))).toBe(expected);
  });

  it('gives the documented manual recovery for StandAlone and never an automatic one', () => {
    const h = peerHealth(drbdState('StandAlone'));
    expect(!h.ok && h.reason).toMatch(/drbdadm connect --discard-my-data r0/);
    expect(!h.ok && h.reason).toMatch(/xen-drbd status/);
  });

  it('gives recovery steps that run on a StandAlone 8.4 resource: no disconnect (it fails there, "unknown connection")', () => {
    const h = peerHealth(drbdState('StandAlone'));
    expect(!h.ok && h.reason).toMatch(
      /then 'drbdadm secondary r0', 'drbdadm connect --discard-my-data r0'; on the other host 'drbdadm connect r0'\./,
    );
    expect(!h.ok && h.reason).not.toMatch(/drbdadm disconnect/);
    // Reconnecting two Primaries is a split-brain in DRBD 8.4 (lab scenario 18): the text says so.
    expect(!h.ok && h.reason).toMatch(/'drbdadm connect r0' on both \(with both hosts Primary, .* split-brain/);
  });
});

describe('localHealth: what a host needs to serve its own VMs', () => {
  it.each<[Link, DiskState, DiskState, string]>([
    ['Established', 'UpToDate', 'UpToDate', 'ok'],
    ['Connecting', 'UpToDate', 'DUnknown', 'ok'],
    ['StandAlone', 'UpToDate', 'DUnknown', 'ok'],
    ['SyncTarget', 'Inconsistent', 'UpToDate', 'ok'],
    ['Connecting', 'Inconsistent', 'DUnknown', 'DrbdLocalNotUpToDate'],
    ['Connecting', 'Outdated', 'DUnknown', 'DrbdLocalNotUpToDate'],
    ['Established', 'Diskless', 'UpToDate', 'DrbdLocalNotUpToDate'],
  ])('%s, local %s, peer %s → %s', (link, disk, peer, expected) => {
    expect(verdict(localHealth(drbdState(link, disk, peer)))).toBe(expected);
  });

  it('a resource with no volumes up is missing', () => {
    expect(verdict(localHealth({ ...drbdState('Established'), volumes: [] }))).toBe('DrbdResourceMissing');
  });
});

describe('attachHealth: what a host needs to join the SR (sr_attach)', () => {
  it.each<[Link, DiskState, DiskState, string, boolean]>([
    ['Established', 'UpToDate', 'UpToDate', 'ok', false],
    ['SyncTarget', 'Inconsistent', 'UpToDate', 'ok', false],
    ['SyncSource', 'UpToDate', 'Inconsistent', 'ok', false],
    ['Established', 'UpToDate', 'Outdated', 'ok', false],
    ['Connecting', 'UpToDate', 'DUnknown', 'DrbdNotConnected', true],
    ['Handshake', 'UpToDate', 'UpToDate', 'DrbdNotConnected', true],
    ['StandAlone', 'UpToDate', 'DUnknown', 'DrbdStandAlone', false],
    ['Established', 'Outdated', 'UpToDate', 'DrbdLocalNotUpToDate', false],
  ])('%s, local %s, peer %s → %s (worth waiting: %s)', (link, disk, peer, expected, wait) => {
    const s = drbdState(link, disk, peer);
    expect(verdict(attachHealth(s))).toBe(expected);
    expect(settling(s)).toBe(wait);
  });
});
