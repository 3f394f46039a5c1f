import { parseRequest } from '../../../../src/scripts/block-drbd/contract';

const env = { XENBUS_PATH: 'backend/vbd/3/51712', XENBUS_TYPE: 'vbd', XENBUS_BASE_PATH: 'backend' };

describe('parseRequest', () => {
  it('takes the first argument without = as the action, as xen-script-common.sh does', () => {
    expect(parseRequest(['type_if=vif', 'add'], env)).toEqual({
      ok: true,
      request: { action: 'add', backendPath: 'backend/vbd/3/51712', basePath: 'backend', deviceType: 'vbd' },
    });
  });

  it('accepts an absolute backend path (driver domains, xl devd)', () => {
    expect(parseRequest(['remove'], { XENBUS_PATH: '/local/domain/5/backend/vbd/3/768' })).toMatchObject({ ok: true });
  });

  it.each([
    [[], env, "invalid command '': expected add or remove"],
    [['online'], env, "invalid command 'online': expected add or remove"],
    [['add'], {}, 'XENBUS_PATH is not set: this script is run by libxl, not by hand'],
    [['add'], { XENBUS_PATH: 'backend/vbd/3/../../x' }, "XENBUS_PATH 'backend/vbd/3/../../x' is not a backend device path"],
    [
      ['add'],
      { XENBUS_PATH: `backend/vbd/3/${'5'.repeat(5000)}` },
      'XENBUS_PATH is 5014 characters long: a backend device path (backend/vbd/DOMID/DEVID) has at most 256',
    ],
  ])('rejects %j', (argv, e, error) => {
    expect(parseRequest(argv, e)).toMatchObject({ ok: false, error });
  });

  it('keeps a valid backend path for the hotplug-error of a bad action', () => {
    expect(parseRequest(['frobnicate'], env)).toMatchObject({ ok: false, backendPath: 'backend/vbd/3/51712' });
  });
});
