// The argv builders are the last line before drbdadm/drbdsetup: whatever slipped past a caller's
// validation, they never build a command that reaches more than the one resource (or minor) named.
import { drbdArgv, drbdsetup84Argv } from '../../../src/drbd/argv';
import type { ResourceName } from '../../../src/drbd/types';

const name = (n: string) => n as ResourceName;

describe('drbdArgv', () => {
  it.each(['r0', 'pvc-0c1d7a0e-5b8f-4c2e-9a61-3f0e2d4b5c6a', 'xcp-volume-4b0f1a2c-8d3e-4f5a-9b6c-7d8e9f0a1b2c'])(
    'builds role changes for %s',
    (n) => {
      expect(drbdArgv.primary(name(n))).toEqual(['drbdadm', 'primary', n]);
      expect(drbdArgv.secondary(name(n))).toEqual(['drbdadm', 'secondary', n]);
      expect(drbdArgv.twoPrimaries(name(n), false)).toEqual(['drbdadm', 'net-options', '--allow-two-primaries=no', n]);
    },
  );

  it.each([
    ['all', /'all' means every resource/],
    ['minor-1', /as a device minor \(minor-N\)/],
    ['3', /digits only as a device minor/],
    ['-r0', /a DRBD resource name is 1-64 letters/],
  ])('refuses to build any command on %j', (n, rule) => {
    for (const build of [
      drbdArgv.primary,
      drbdArgv.secondary,
      drbdArgv.show,
      drbdArgv.dump,
      drbdArgv.statusJson,
      (x: ResourceName) => drbdArgv.twoPrimaries(x, true),
    ]) {
      expect(() => build(name(n))).toThrow(rule);
    }
    expect(() => drbdArgv.shDev({ name: name(n), volume: 0 })).toThrow(rule);
    expect(() => drbdsetup84Argv.show('drbdsetup-84', name(n))).toThrow(rule);
  });
});

describe('drbdArgv.twoPrimaries with a peer (DRBD 9)', () => {
  it('switches the one connection to that host', () => {
    expect(drbdArgv.twoPrimaries(name('r0'), true, 'hostb')).toEqual(['drbdadm', 'net-options', '--allow-two-primaries=yes', 'r0:hostb']);
  });

  it.each(['', 'all hosts', '-hostb', 'hostb:hostc', 'a/b'])('refuses peer %j', (peer) => {
    expect(() => drbdArgv.twoPrimaries(name('r0'), true, peer)).toThrow(/not a host name/);
  });
});

describe('drbdsetup84Argv', () => {
  it('changes the role of one minor, named by its number', () => {
    expect(drbdsetup84Argv.primary('drbdsetup-84', 0)).toEqual(['drbdsetup-84', 'primary', '0']);
    expect(drbdsetup84Argv.secondary('drbdsetup-84', 12)).toEqual(['drbdsetup-84', 'secondary', '12']);
  });

  it.each([-1, 1.5, Number.NaN, 2 ** 20])('refuses minor %p', (minor) => {
    expect(() => drbdsetup84Argv.primary('drbdsetup-84', minor)).toThrow(/minor/);
    expect(() => drbdsetup84Argv.secondary('drbdsetup-84', minor)).toThrow(/minor/);
  });
});
