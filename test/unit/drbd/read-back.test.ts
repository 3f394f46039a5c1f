// Act, then observe: a state change is done only when the state read back shows it.
import { DrbdError, type DrbdPort } from '../../../src/drbd/drbd';
import { changeRole, switchTwoPrimaries } from '../../../src/drbd/read-back';
import type { ResourceName, ResourceState } from '../../../src/drbd/types';

const r1 = 'r1' as ResourceName;
const target = { name: r1 };
const devices = [0, 1].map((minor) => ({ path: `/dev/drbd${minor}`, major: 147, minor, hex: `93:${minor}` }));
const twoVolumes = (roles: ['Primary' | 'Secondary', 'Primary' | 'Secondary']): ResourceState => ({
  name: r1,
  role: roles[0],
  peerRole: 'Secondary',
  link: 'Established',
  connectionText: 'Connected',
  volumes: roles.map((role, minor) => ({ minor, role, disk: 'UpToDate', peerDisk: 'UpToDate' })),
});

function fake(after: () => ResourceState): Pick<DrbdPort, 'promote' | 'demote' | 'state'> {
  return {
    promote: async () => ({ ok: true, argv: ['drbdadm', 'primary', 'r1'] }),
    demote: async () => ({ ok: true, argv: ['drbdadm', 'secondary', 'r1'] }),
    state: async () => after(),
  };
}

describe('changeRole', () => {
  it('returns the state read back when every volume took the role', async () => {
    const r = await changeRole(
      fake(() => twoVolumes(['Primary', 'Primary'])),
      target,
      devices,
      'Primary',
    );
    expect(r).toEqual({ ok: true, state: twoVolumes(['Primary', 'Primary']) });
  });

  it('fails when only some volumes took it (8.4 keeps a role per minor), naming each', async () => {
    const r = await changeRole(
      fake(() => twoVolumes(['Primary', 'Secondary'])),
      target,
      devices,
      'Primary',
    );
    expect(r.ok).toBe(false);
    expect(!r.ok && r.accepted).toBe(true);
    expect(!r.ok && r.error).toMatchObject({
      name: 'DrbdNotApplied',
      kind: 'not-applied',
      asked: 'Primary',
      seen: 'Primary on minor 0, Secondary on minor 1',
      argv: ['drbdadm', 'primary', 'r1'],
      exitCode: 0,
      message: "asked for Primary ('drbdadm primary r1' exited 0), DRBD still reports Primary on minor 0, Secondary on minor 1",
    });
  });

  it('reports a read-back that fails as a failure of an accepted command, never a throw', async () => {
    const r = await changeRole(
      fake(() => {
        throw new DrbdError('r1: cannot read DRBD status: timeout', 'other');
      }),
      target,
      devices,
      'Secondary',
    );
    expect(r).toMatchObject({ ok: false, accepted: true, error: { message: 'r1: cannot read DRBD status: timeout' } });
  });

  it('passes a refusal through as not accepted, without reading', async () => {
    const refused = new DrbdError("'drbdadm secondary r1' failed: (-12) Device is held open by someone", 'held-open');
    let reads = 0;
    const drbd = {
      ...fake(() => (reads++, twoVolumes(['Primary', 'Primary']))),
      demote: async () => ({ ok: false as const, error: refused }),
    };
    expect(await changeRole(drbd, target, devices, 'Secondary')).toEqual({ ok: false, accepted: false, error: refused });
    expect(reads).toBe(0);
  });
});

describe('switchTwoPrimaries', () => {
  it('fails when the running configuration does not show the switch', async () => {
    const drbd = {
      setTwoPrimaries: async () => ({ ok: true as const, argv: ['drbdadm', 'net-options', '--allow-two-primaries=no', 'r1'] as const }),
      twoPrimariesRunning: async () => true,
    };
    const r = await switchTwoPrimaries(drbd, target, false);
    expect(!r.ok && r.error.message).toBe(
      "asked for allow-two-primaries no ('drbdadm net-options --allow-two-primaries=no r1' exited 0), DRBD still reports yes",
    );
  });

  it('succeeds when it does', async () => {
    const drbd = {
      setTwoPrimaries: async () => ({ ok: true as const, argv: ['drbdadm', 'net-options', '--allow-two-primaries=yes', 'r1'] as const }),
      twoPrimariesRunning: async () => true,
    };
    expect(await switchTwoPrimaries(drbd, target, true)).toEqual({ ok: true });
  });
});
