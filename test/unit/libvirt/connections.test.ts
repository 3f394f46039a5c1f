import { driverAbsent, driverOf, libvirtUris } from '../../../src/libvirt/connections';

describe('libvirtUris: the connections to read, from the sockets in /run/libvirt', () => {
  it.each<[string[], string[]]>([
    [[], []],
    [['hostdev-mgr', 'network', 'storage'], []],
    [
      ['libvirt-sock', 'libvirt-sock-ro', 'libvirt-admin-sock'],
      ['qemu:///system', 'xen:///system'],
    ],
    [['virtqemud-sock', 'virtqemud-sock-ro'], ['qemu:///system']],
    [['virtxend-sock'], ['xen:///system']],
    [
      ['virtxend-sock', 'libvirt-sock'],
      ['qemu:///system', 'xen:///system'],
    ],
  ])('%j → %j', (names, uris) => {
    expect(libvirtUris(names)).toEqual(uris);
  });
});

describe('driverAbsent', () => {
  // libvirt 9.0's words, as the binding passes them on.
  it.each([
    ['no connection driver available for qemu:///system', true],
    ['internal error: libxenlight state driver is not active', true],
    ["Failed to connect socket to '/var/run/libvirt/libvirt-sock': Connection refused", false],
    ['libvirt did not answer within 10 s', false],
  ])('%s → %s', (message, absent) => {
    expect(driverAbsent(message)).toBe(absent);
  });
  it('names the driver of a URI', () => {
    expect(driverOf('qemu:///system')).toBe('qemu');
    expect(driverOf('xen:///system')).toBe('xen');
    expect(driverOf('test:///tmp/node.xml')).toBe('test');
  });
});
