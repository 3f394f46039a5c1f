import { smPaths } from '../../../src/drbdlvm-sr/paths';

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
      smPaths({
        XEN_DRBD_XAPI_SOCKET: '/t/x', XEN_DRBD_PROC_DRBD: '/t/p', XEN_DRBD_SM_LOCK_DIR: '/t/l', XEN_DRBD_SM_BACKEND_DIR: '/t/b',
        XEN_DRBD_DRBDSETUP84: '/t/s', XEN_DRBD_DEV_DIR: '/t/d',
      }),
    ).toEqual({
      xapiSocket: '/t/x', procDrbd: '/t/p', drbdTools: { drbdsetup84: ['/t/s'], devDir: '/t/d' }, lockDir: '/t/l', backendDir: '/t/b',
    });
  });
});
