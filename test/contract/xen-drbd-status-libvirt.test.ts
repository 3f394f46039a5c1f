// `xen-drbd status` and `reconcile` on a libvirt host: the built dist/xen-drbd reads libvirt's
// domains through the real binding (@unraid/libvirt, an optional dependency built against
// libvirt-dev) and libvirt's own test driver, whose node file stands in for the daemons; DRBD is the
// stand-in. The lab repeats it against libvirtd (test/lab/scenarios/28-libvirt-hook.test.ts).
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { bindingFiles } from '../../scripts/libvirt-binding';
import { BINDING_DIR } from '../../src/libvirt/binding';
import { HEALTHY, HotplugHost } from '../support/hotplug-host';

// The binding npm built, laid out as the xen-drbd-libvirt package installs it, under a scratch root
// (its folders root's and not writable by others, as dist/xen-drbd demands of code it loads).
const FILES = bindingFiles(resolve(__dirname, '..', '..', 'node_modules'));
const HAVE_BINDING = FILES !== undefined;
const ROOT = mkdtempSync(join(tmpdir(), 'xen-drbd-binding-'));
const BINDING = join(ROOT, BINDING_DIR);
beforeAll(() => {
  for (const f of FILES ?? []) {
    mkdirSync(dirname(join(ROOT, f.path)), { recursive: true, mode: 0o755 });
    copyFileSync(f.source, join(ROOT, f.path));
  }
});
afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

let host: HotplugHost;
afterEach(async () => {
  await host.stop();
});

/** A domain as libvirt's test driver takes it; `running: false` defines it shut off. */
function domain(name: string, source: string, running = true): string {
  return [
    `  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>`,
    `    <name>${name}</name>`,
    `    <memory>65536</memory>`,
    `    <os><type>hvm</type></os>`,
    `    <devices>`,
    `      <disk type='block' device='disk'><source dev='${source}'/><target dev='vda' bus='virtio'/></disk>`,
    `    </devices>`,
    // 5 is VIR_DOMAIN_SHUTOFF
    running ? '' : `    <test:runstate>5</test:runstate>`,
    `  </domain>`,
  ].join('\n');
}

/** r0 promoted by the hook for KVM domain kvm1, r1 Secondary; libvirt runs kvm1 and has kvm2 (r1) shut off. */
async function kvmHost(): Promise<string> {
  host = new HotplugHost();
  await host.start({ r0: HEALTHY, r1: { ...HEALTHY, minors: [1] } });
  // As libvirt names them; dist/xen-drbd finds them in the scratch dev dir (XEN_DRBD_DEV_DIR).
  const dev = (m: number) => `/dev/drbd${m}`;
  const kvm1 = domain('kvm1', dev(0));
  expect((await host.hook('qemu', ['kvm1', 'prepare', 'begin', '-'], `${kvm1}\n`)).code).toBe(0);
  const node = join(host.dir, 'libvirt-node.xml');
  writeFileSync(node, `<node>\n${kvm1}\n${domain('kvm2', dev(1), false)}\n</node>\n`);
  return node;
}

const withBinding = HAVE_BINDING ? describe : process.env.CI === 'true' ? describe : describe.skip;

withBinding('xen-drbd status through libvirt', () => {
  beforeAll(() => {
    // Under CI=true a missing binding fails here rather than skipping (.ci/run installs libvirt-dev).
    if (!HAVE_BINDING) throw new Error('the libvirt binding is not built: install libvirt-dev and pkg-config, then npm install');
  });

  it('names the running libvirt domain using a resource, by its driver, and finds nothing unsafe', async () => {
    const node = await kvmHost();
    const r = await host.xenDrbd(['status'], { libvirtTestNode: node, libvirtBinding: BINDING });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[1]).toMatch(
      /^r0\s+\S+\/drbd0\s+kvm1 \(libvirt test\)\s+Primary\s+Secondary\s+Connected\s+UpToDate\/UpToDate\s+off\s+yes$/,
    );
    // kvm2 is defined on r1 but shut off: no user.
    expect(lines[2]).toMatch(/^r1\s+\S+\/drbd1\s+-\s+Secondary\s/);
    const json = await host.xenDrbd(['status', '--json'], { libvirtTestNode: node, libvirtBinding: BINDING });
    expect(JSON.parse(json.stdout).libvirt).toEqual({ read: [`test://${node}`], unread: [] });
  });

  it('without libvirt, the same host shows the Primary as unused (what the libvirt view prevents)', async () => {
    await kvmHost();
    const r = await host.xenDrbd(['status']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^UNSAFE primary-unused: r0: Primary but no domain uses it \(promoted by the libvirt hook for qemu domain kvm1 at /m,
    );
  });

  it('reconcile --apply leaves a resource a libvirt domain uses Primary', async () => {
    const node = await kvmHost();
    host.setResource('r1', { role: 'Primary' });
    const seams = { libvirtTestNode: node, libvirtBinding: BINDING };
    expect((await host.xenDrbd(['reconcile', '--apply', '--include-unrecorded'], seams)).stdout).toBe('demote r1: done\n');
    expect(host.resource('r0').role).toBe('Primary');
    expect(host.resource('r1').role).toBe('Secondary');
  });

  it('a libvirt it cannot read: status says so, reconcile keeps what a libvirt domain may use', async () => {
    const node = join((await kvmHost(), host.dir), 'no-such-node.xml');
    const seams = { libvirtTestNode: node, libvirtBinding: BINDING };
    const s = await host.xenDrbd(['status'], seams);
    // (libvirt's test driver also has libxml2 print a warning of its own on stderr)
    expect(s.stderr).toMatch(new RegExp(`^xen-drbd: libvirt's test://${node} could not be read \\(.*\\): its domains are not shown$`, 'm'));
    expect(s.code).toBe(1);
    const r = await host.xenDrbd(['reconcile', '--apply'], seams);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^not demoting r0: r0: Primary but no domain uses it \(promoted by the libvirt hook .*; but libvirt's test:\/\/\S+ could not be read \(.*\), and a libvirt domain may use it\n$/,
    );
    expect(host.resource('r0').role).toBe('Primary');
  });

  it('a binding that is not installed: read as unread, never as "no domains"', async () => {
    const node = await kvmHost();
    const s = await host.xenDrbd(['status', '--json'], { libvirtTestNode: node, libvirtBinding: join(host.dir, 'nothing-here') });
    expect(JSON.parse(s.stdout).libvirt.unread).toEqual([
      { uri: `test://${node}`, why: `the libvirt binding is not installed (${join(host.dir, 'nothing-here')})` },
    ]);
    expect(host.resource('r0').role).toBe('Primary');
  });

  it('a binding folder others can write to: not loaded, and read as unread', async () => {
    const node = await kvmHost();
    const unsafe = dirname(BINDING); // .../node_modules/@unraid
    chmodSync(unsafe, 0o775);
    try {
      const s = await host.xenDrbd(['status', '--json'], { libvirtTestNode: node, libvirtBinding: BINDING });
      expect(JSON.parse(s.stdout).libvirt.unread).toEqual([
        {
          uri: `test://${node}`,
          why: `not loading the libvirt binding: ${unsafe} is owned by uid 0 with mode 0775: root's files must be in directories owned by root and not writable by group or others; refusing to use it`,
        },
      ]);
    } finally {
      chmodSync(unsafe, 0o755);
    }
  });
});
