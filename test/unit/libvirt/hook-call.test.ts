// How libvirt calls a domain hook, and which calls move a role.
import { hookHolder, hookHolderParts, hookStep, isHookHolder, parseHookCall, type HookCall } from '../../../src/libvirt/hook-call';

describe('parseHookCall', () => {
  it.each([
    ['/etc/libvirt/hooks/libxl', 'libxl'],
    ['/etc/libvirt/hooks/qemu', 'qemu'],
    ['/etc/libvirt/hooks/libxl.d/xen-drbd', 'libxl'],
    ['/etc/libvirt/hooks/qemu.d/50-xen-drbd', 'qemu'],
  ])('takes the driver from %s', (path, driver) => {
    expect(parseHookCall(path, ['vm1', 'prepare', 'begin', '-'])).toEqual({
      ok: true,
      call: { driver, domain: 'vm1', operation: 'prepare', subOperation: 'begin' },
    });
  });

  it.each(['/usr/libexec/xen-drbd/libvirt-hook', '/etc/libvirt/hooks/lxc', '/etc/libvirt/hooks/network.d/xen-drbd', 'libxl.d'])(
    'refuses %s: the path names no driver this hook serves',
    (path) => {
      const r = parseHookCall(path, ['vm1', 'prepare', 'begin', '-']);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error).toMatch(/the path names the driver/);
    },
  );

  it.each([[[]], [['vm1']], [['vm1', 'prepare']], [['', 'prepare', 'begin', '-']]])('refuses arguments %j', (args) => {
    const r = parseHookCall('/etc/libvirt/hooks/libxl', args);
    expect(!r.ok && r.error).toMatch(/^expected DOMAIN OPERATION SUB-OPERATION EXTRA/);
  });
});

describe('hookStep', () => {
  const call = (operation: string, subOperation: string): HookCall => ({ driver: 'libxl', domain: 'vm1', operation, subOperation });

  it.each([
    ['prepare', 'begin', 'claim'],
    ['migrate', 'begin', 'expect-incoming'],
    ['release', 'end', 'release'],
    ['start', 'begin', 'none'],
    ['started', 'begin', 'none'],
    ['stopped', 'end', 'none'],
    ['reconnect', 'begin', 'none'],
    ['attach', 'begin', 'none'],
    ['restore', 'begin', 'none'],
    ['prepare', 'end', 'none'],
  ])('%s %s → %s', (op, sub, step) => expect(hookStep(call(op, sub))).toBe(step));

  it('records the driver and the domain as the holder', () => {
    expect(hookHolder({ driver: 'qemu', domain: 'web', operation: 'prepare', subOperation: 'begin' })).toBe('libvirt:qemu/web');
  });

  it("reads a holder back: the hook's names its driver and domain, block-drbd's (a backend path) is none", () => {
    const holder = hookHolder({ driver: 'libxl', domain: 'a/b', operation: 'prepare', subOperation: 'begin' });
    expect([isHookHolder(holder), hookHolderParts(holder)]).toEqual([true, { driver: 'libxl', domain: 'a/b' }]);
    expect([isHookHolder('backend/vbd/3/51712'), hookHolderParts('backend/vbd/3/51712')]).toEqual([false, undefined]);
  });
});
