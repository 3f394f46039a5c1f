import { LAB_CPU, qemuArgs, type QemuSpec } from '../../lab/lib/qemu';

const A: QemuSpec = {
  name: 'A',
  kind: 'xen',
  xen: '/cache/boot/xen',
  vmlinuz: '/cache/boot/vmlinuz',
  initrd: '/run/hostA.initrd.cpio',
  serialPath: '/run/hostA.serial',
  vcpus: 1,
  memMiB: 2048,
  dom0MemMiB: 1024,
  replMac: '52:54:00:99:00:0a',
  ctlMac: '52:54:00:c0:00:0a',
  nic: 'e1000',
  repl: { group: '239.255.7.9', port: 40001 },
  agentPort: 40002,
};

const after = (args: string[], flag: string): string[] => args.flatMap((a, i) => (args[i - 1] === flag ? [a] : []));

test('a host: Xen multiboot with dom0 kernel and initrd, the lab CPU model, its serial file', () => {
  const args = qemuArgs(A);
  expect(after(args, '-kernel')).toEqual(['/cache/boot/xen']);
  expect(after(args, '-initrd')).toEqual(['/cache/boot/vmlinuz console=hvc0 earlyprintk=xen,/run/hostA.initrd.cpio']);
  expect(after(args, '-append')).toEqual(['console=com1 com1=115200,8n1 dom0_mem=1024M,max:1024M dom0_max_vcpus=1 noreboot']);
  expect(after(args, '-cpu')).toEqual([LAB_CPU]);
  expect(after(args, '-serial')).toEqual(['file:/run/hostA.serial']);
});

test('a plain host: the dom0 kernel booted directly with the same initrd, its console on the serial port', () => {
  const args = qemuArgs({ ...A, kind: 'plain', memMiB: 1024 });
  expect(after(args, '-kernel')).toEqual(['/cache/boot/vmlinuz']);
  expect(after(args, '-initrd')).toEqual(['/run/hostA.initrd.cpio']);
  expect(after(args, '-append')).toEqual(['console=ttyS0,115200']);
  expect(after(args, '-m')).toEqual(['1024']);
});

test('the replication network: every host joins one multicast group on 127.0.0.1 only', () => {
  expect(after(qemuArgs(A), '-netdev')[0]).toBe('socket,id=repl,mcast=239.255.7.9:40001,localaddr=127.0.0.1');
});

test('the control NIC forwards the agent port, and the XenAPI port only when asked', () => {
  expect(after(qemuArgs(A), '-netdev')[1]).toBe('user,id=ctl,restrict=on,hostfwd=tcp:127.0.0.1:40002-:7000');
  expect(after(qemuArgs({ ...A, xapiPort: 40003 }), '-netdev')[1]).toBe(
    'user,id=ctl,restrict=on,hostfwd=tcp:127.0.0.1:40002-:7000,guestfwd=tcp:10.0.2.100:80-cmd:socat - TCP:127.0.0.1:40003',
  );
});

test('dom0 vCPUs must be a positive integer', () => {
  expect(() => qemuArgs({ ...A, vcpus: 0 })).toThrow('dom0Vcpus for host A: 0 is not a positive integer');
  expect(after(qemuArgs({ ...A, vcpus: 2 }), '-smp')).toEqual(['2']);
});
