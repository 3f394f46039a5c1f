import { smPaths } from '../../../src/drbdlvm-sr/paths';
import { seamEnv } from '../../support/seams';

describe('smPaths', () => {
  it("is stock sm's and xapi's places when nothing is set (xapi passes only PATH and ORIGINATOR)", () => {
    expect(smPaths({ PATH: '/sbin:/usr/sbin:/bin:/usr/bin', ORIGINATOR: 'SM' })).toEqual({
      xapiSocket: '/var/lib/xcp/xapi',
      procDrbd: '/proc/drbd',
      drbdTools: { drbdsetup84: ['/lib/drbd/drbdsetup-84', '/usr/lib/drbd/drbdsetup-84'], devDir: '/dev' },
      lockDir: '/var/lock/sm',
      backendDir: '/dev/sm/backend',
    });
  });

  it('moves each for the contract tests', () => {
    expect(
      smPaths(
        seamEnv({ xapiSocket: '/t/x', procDrbd: '/t/p', smLockDir: '/t/l', smBackendDir: '/t/b', drbdsetup84: '/t/s', devDir: '/t/d' }),
      ),
    ).toEqual({
      xapiSocket: '/t/x',
      procDrbd: '/t/p',
      drbdTools: { drbdsetup84: ['/t/s'], devDir: '/t/d' },
      lockDir: '/t/l',
      backendDir: '/t/b',
    });
  });
});
