// Each rule on tables of inputs: the clean host gives nothing, each planted fault its code.
import { runChecks } from '../../../src/check/check';
import { CODES, exitCode, type Finding } from '../../../src/check/findings';
import type { CheckInputs, LibvirtObserved } from '../../../src/check/inputs';
import { DEFAULT_POLICY } from '../../../src/policy/policy';
import { cleanBoot, dump, inputs, resource, sections, COMMON } from './inputs';

const codes = (i: CheckInputs) => runChecks(i).map((f) => `${f.code} ${f.severity} ${f.where}`);
const web = (disk: string, extra = '') => ({ '/etc/xen/auto/web.cfg': `name = "web"\n${extra}disk = [ '${disk}' ]\n` });
const withResources = (...r: Parameters<typeof resource>[]) => ({ drbd: { ok: true as const, dump: dump(r.map((a) => resource(...a))) } });

test('a clean host has no findings and exits 0', () => {
  expect(runChecks(inputs())).toEqual([]);
  expect(exitCode([])).toBe(0);
});

test('the code table is pinned: codes never change meaning', () => {
  expect(Object.keys(CODES)).toEqual([
    'XD100',
    'XD101',
    'XD102',
    'XD103',
    'XD104',
    'XD105',
    'XD106',
    'XD107',
    'XD108',
    'XD109',
    'XD110',
    'XD111',
    'XD112',
    'XD113',
    'XD114',
    'XD115',
    'XD116',
    'XD120',
    'XD121',
    'XD122',
    'XD200',
    'XD201',
    'XD202',
    'XD203',
    'XD204',
    'XD205',
    'XD206',
    'XD207',
    'XD208',
    'XD209',
  ]);
});

test.each<[string, Finding['severity'][], 0 | 1 | 2]>([
  ['nothing', [], 0],
  ['info only', ['info'], 0],
  ['a warning', ['info', 'warning'], 1],
  ['an error', ['warning', 'error'], 2],
])('exit code: %s', (_, severities, code) => {
  expect(exitCode(severities.map((severity) => ({ code: 'XD107', severity, where: '', message: '', fix: '' })))).toBe(code);
});

/** libvirt with the libxl hook as given and the qemu one absent. */
function libvirt(hook: { state: 'installed' | 'not-executable'; changedMs: number }, daemons: LibvirtObserved['daemons']): LibvirtObserved {
  return {
    hooks: [
      { path: '/etc/libvirt/hooks/libxl.d/xen-drbd', target: '/usr/libexec/xen-drbd/libvirt-hook', ...hook },
      { path: '/etc/libvirt/hooks/qemu.d/xen-drbd', state: 'absent' },
    ],
    daemons,
  };
}

test('XD209 says nothing of a hook libvirtd started after, or of a host without libvirt', () => {
  expect(
    codes(
      inputs(undefined, { libvirt: libvirt({ state: 'installed', changedMs: 500 }, [{ name: 'libvirtd', pid: 1, startedMs: 1_000 }]) }),
    ),
  ).toEqual([]);
  expect(codes(inputs(undefined, { libvirt: undefined }))).toEqual([]);
});

describe('domain configs', () => {
  test.each<[string, CheckInputs, string[]]>([
    [
      'python syntax (XD100)',
      inputs({ '/etc/xen/web.cfg': 'name = "web"\ndisk = ["drbd:r0,xvda,w"] + []\n' }),
      ['XD100 error /etc/xen/web.cfg:2'],
    ],
    ['the bare LINBIT shorthand (XD101)', inputs(web('r0,xvda,w')), ['XD101 error /etc/xen/auto/web.cfg:2']],
    [
      'the shorthand for an unknown name still reads as one by its vdev (XD101)',
      inputs(web('vm1,xvda,w')),
      ['XD101 error /etc/xen/auto/web.cfg:2'],
    ],
    ['another rejected spec (XD102)', inputs(web('drbd:r0')), ['XD102 error /etc/xen/auto/web.cfg:2']],
    ['a resource DRBD does not know (XD103)', inputs(web('drbd:r7,xvda,w')), ['XD103 error /etc/xen/auto/web.cfg:2']],
    ['a target block-drbd refuses (XD103)', inputs(web('vdev=xvda,script=block-drbd,target=-r0')), ['XD103 error /etc/xen/auto/web.cfg:2']],
    [
      'a resource for other hosts (XD104)',
      inputs(web('drbd:r0,xvda,w'), withResources(['r0', { hosts: ['charlie', 'delta'] }])),
      ['XD104 error /etc/xen/auto/web.cfg:2'],
    ],
    ['a volume the resource lacks (XD105)', inputs(web('drbd:r0/3,xvda,w')), ['XD105 error /etc/xen/auto/web.cfg:2']],
    [
      'two volumes, none named (XD106)',
      inputs(web('drbd:r1,xvda,w'), withResources(['r1', { disks: ['/dev/vg0/a', '/dev/vg0/b'] }])),
      ['XD106 error /etc/xen/auto/web.cfg:2'],
    ],
    [
      'two volumes, each named: fine',
      inputs(web("drbd:r1/0,xvda,w', 'drbd:r1/1,xvdb,w"), withResources(['r1', { disks: ['/dev/vg0/a', '/dev/vg0/b'] }])),
      [],
    ],
    ['read-only (XD107, a note)', inputs(web('drbd:r0,xvda,r')), ['XD107 info /etc/xen/auto/web.cfg:2']],
    [
      "the DRBD device by minor, through Xen's block script (XD116)",
      inputs(web('phy:/dev/drbd0,xvda,w')),
      ['XD116 warning /etc/xen/auto/web.cfg:2'],
    ],
    [
      'a by-res link as a plain target (XD116)',
      inputs(web('vdev=xvda,target=/dev/drbd/by-res/r0/0')),
      ['XD116 warning /etc/xen/auto/web.cfg:2'],
    ],
    [
      'another script on a by-disk link (XD116)',
      inputs(web('vdev=xvda,script=block,target=/dev/drbd/by-disk/vg0/r0')),
      ['XD116 warning /etc/xen/auto/web.cfg:2'],
    ],
    ['a device that is no DRBD one: nothing', inputs(web('phy:/dev/drbdx,xvda,w')), []],
    [
      'one volume in two domains (XD108)',
      inputs({ ...web('drbd:r0,xvda,w'), '/etc/xen/web2.cfg': "disk = [ 'vdev=xvda,script=block-drbd,target=r0/0' ]\n" }),
      ['XD108 error /etc/xen/web2.cfg:1'],
    ],
    ['pygrub (XD109, a note)', inputs(web('drbd:r0,xvda,w', 'bootloader = "pygrub"\n')), ['XD109 info /etc/xen/auto/web.cfg:2']],
    [
      'pygrub by path (XD109)',
      inputs(web('drbd:r0,xvda,w', 'bootloader = "/usr/lib/xen-4.17/bin/pygrub"\n')),
      ['XD109 info /etc/xen/auto/web.cfg:2'],
    ],
    [
      'pygrub without a DRBD disk: nothing',
      inputs({ '/etc/xen/x.cfg': 'bootloader = "pygrub"\ndisk = [ "phy:/dev/vg0/x,xvda,w" ]\n' }),
      [],
    ],
  ])('%s', (_, i, expected) => {
    expect(codes(i)).toEqual(expected);
  });

  test.each<[string, Partial<CheckInputs>, string]>([
    ['/dev/drbd0', {}, 'drbd:r0,'],
    ['/dev/drbd/by-res/r0', {}, 'drbd:r0,'],
    ['/dev/drbd/by-res/r0/0', {}, 'drbd:r0/0,'],
    ['/dev/drbd1', withResources(['r1', { disks: ['/dev/vg0/a', '/dev/vg0/b'] }]), 'drbd:r1/1,'],
    ['/dev/drbd7', {}, 'drbd:RES,'],
    ['/dev/drbd/by-disk/vg0/r0', {}, 'drbd:RES,'],
  ])('XD116 for %s suggests the drbd: target the config gives (%#)', (path, extra, target) => {
    const [f] = runChecks(inputs(web(`phy:${path},xvda,w`), extra));
    expect(f?.code).toBe('XD116');
    expect(f?.fix).toContain(`'${target}VDEV,MODE'`);
  });
});

describe('migration readiness and DRBD settings of the resources in use', () => {
  const policy = (migrationMode: typeof DEFAULT_POLICY.migrationMode) => ({
    policy: { path: '/etc/xen/xen-drbd.json', result: { ok: true as const, policy: { ...DEFAULT_POLICY, migrationMode } } },
  });
  const common = (changes: Record<string, Record<string, string | undefined>>) => {
    const s: Record<string, Record<string, string>> = {};
    for (const [name, opts] of COMMON) s[name] = Object.fromEntries(opts);
    for (const [name, opts] of Object.entries(changes)) {
      s[name] = { ...(s[name] ?? {}) };
      for (const [k, v] of Object.entries(opts))
        if (v === undefined) delete s[name][k];
        else s[name][k] = v;
    }
    return { drbd: { ok: true as const, dump: dump([resource('r0', { disks: ['/dev/sdb1'] })], sections(s)) } };
  };
  const where = '/etc/drbd.d/r0.res:1 (resource r0)';
  test.each<[string, Partial<CheckInputs>, string[]]>([
    ['protocol A (XD110)', common({ net: { protocol: 'A' } }), [`XD110 error ${where}`]],
    ['protocol A with migration refused: nothing', { ...common({ net: { protocol: 'A' } }), ...policy('refuse') }, []],
    ['no fencing (XD111 warning)', common({ net: { fencing: undefined } }), [`XD111 warning ${where}`]],
    ['no fence-peer handler (XD111)', common({ handlers: { 'fence-peer': undefined } }), [`XD111 warning ${where}`]],
    [
      'no fencing, permanent dual-primary (XD111 error)',
      common({ net: { fencing: 'dont-care', 'allow-two-primaries': 'yes' } }),
      [`XD111 error ${where}`],
    ],
    ['8.4 fencing in the disk section counts', common({ net: { fencing: undefined }, disk: { fencing: 'resource-only' } }), []],
    ['require-configured without allow-two-primaries (XD112)', policy('require-configured'), [`XD112 warning ${where}`]],
    ['require-configured with it: nothing', { ...common({ net: { 'allow-two-primaries': 'yes' } }), ...policy('require-configured') }, []],
    [
      'an invalid policy file (XD208)',
      { policy: { path: '/etc/xen/xen-drbd.json', result: { ok: false, error: 'not valid JSON' } } },
      ['XD208 error /etc/xen/xen-drbd.json'],
    ],
    ['no verify-alg (XD113)', common({ net: { 'verify-alg': undefined } }), [`XD113 warning ${where}`]],
    ['no split-brain handler (XD114)', common({ handlers: { 'split-brain': undefined } }), [`XD114 warning ${where}`]],
    [
      'after-sb-0pri discard-younger-primary (XD115)',
      common({ net: { 'after-sb-0pri': 'discard-younger-primary' } }),
      [`XD115 warning ${where}`],
    ],
    ['after-sb-0pri discard-node-bravo (XD115)', common({ net: { 'after-sb-0pri': 'discard-node-bravo' } }), [`XD115 warning ${where}`]],
    ['after-sb-2pri violently-as0p (XD115)', common({ net: { 'after-sb-2pri': 'violently-as0p' } }), [`XD115 warning ${where}`]],
    ['dump-xml failed (XD200)', { drbd: { ok: false, error: 'drbdadm is not installed' } }, ['XD200 error drbdadm dump-xml']],
  ])('%s', (_, o, expected) => {
    expect(codes(inputs(undefined, o))).toEqual(expected);
  });

  test('only resources in use are judged, unless no domain config is given', () => {
    const r5 = resource('r5', { net: { protocol: 'A' } });
    const d = { drbd: { ok: true as const, dump: dump([resource('r0', { disks: ['/dev/sdb1'] }), r5]) } };
    expect(codes(inputs(undefined, d))).toEqual([]);
    expect(codes(inputs({}, d))).toEqual(['XD110 error /etc/drbd.d/r5.res:1 (resource r5)']);
  });
});

describe('host', () => {
  const drbdDomain = { '/etc/xen/auto/web.cfg': 'name = "web"\ndisk = [ \'drbd:r0,xvda,w\' ]\n' };
  test.each<[string, Partial<CheckInputs>, string[]]>([
    [
      'auto-started on the peer too (XD120)',
      { peerAutoList: { path: '/tmp/peer', entries: ['web.cfg', 'mail'] } },
      ['XD120 error /etc/xen/auto/web.cfg'],
    ],
    [
      'the peer lists it by domain name (XD120)',
      { peerAutoList: { path: '/tmp/peer', entries: ['web'] } },
      ['XD120 error /etc/xen/auto/web.cfg'],
    ],
    ['the peer starts others: nothing', { peerAutoList: { path: '/tmp/peer', entries: ['mail.cfg'] } }, []],
    ['unreadable peer list (XD122)', { peerAutoList: { path: '/tmp/peer', error: 'ENOENT' } }, ['XD122 error /tmp/peer']],
    [
      "Debian's save/restore defaults (XD121)",
      { xendomainsDefault: { path: '/etc/default/xendomains', text: 'XENDOMAINS_SAVE=/var/lib/xen/save\nXENDOMAINS_RESTORE=true\n' } },
      ['XD121 error /etc/default/xendomains:1'],
    ],
    [
      'save without restore: nothing',
      { xendomainsDefault: { path: '/etc/default/xendomains', text: 'XENDOMAINS_SAVE=/var/lib/xen/save\nXENDOMAINS_RESTORE=false\n' } },
      [],
    ],
    [
      'no LVM filter (XD201)',
      { lvmConf: { path: '/etc/lvm/lvm.conf', text: 'devices {\n  # filter = [ "a|.*|" ]\n}\n' } },
      ['XD201 warning /etc/lvm/lvm.conf (devices/global_filter)'],
    ],
    [
      'filter rejecting everything but drbd (XD201 clean)',
      { lvmConf: { path: '/etc/lvm/lvm.conf', text: 'devices {\n filter = [ "a|/dev/drbd.*|", "r|.*|" ]\n}\n' } },
      [],
    ],
    [
      'LV backing devices are not scanned by lvm2 2.03 unless scan_lvs = 1',
      { ...withResources(['r0', { disks: ['/dev/vg0/web'] }]), lvmConf: { path: '/etc/lvm/lvm.conf', text: '' } },
      [],
    ],
    [
      'scan_lvs = 1 exposes them (XD201)',
      {
        ...withResources(['r0', { disks: ['/dev/vg0/web'] }]),
        lvmConf: { path: '/etc/lvm/lvm.conf', text: 'devices {\n scan_lvs = 1\n}\n' },
      },
      ['XD201 warning /etc/lvm/lvm.conf (devices/global_filter)'],
    ],
    [
      'a filter that also hides /dev/drbd (XD202 note)',
      { lvmConf: { path: '/etc/lvm/lvm.conf', text: 'devices {\n global_filter = [ "r|.*|" ]\n}\n' } },
      ['XD202 info /etc/lvm/lvm.conf:2'],
    ],
    [
      'no disable_sendpage (XD203)',
      { modprobe: [{ path: '/etc/modprobe.d/drbd.conf', text: 'options drbd minor_count=64\n' }] },
      ['XD203 warning /etc/modprobe.d'],
    ],
    [
      'disable_sendpage=Y with other options',
      { modprobe: [{ path: '/etc/modprobe.d/x.conf', text: 'options drbd minor_count=64 disable_sendpage=Y\n' }] },
      [],
    ],
    ['no periodic verify (XD204)', { schedules: [] }, ['XD204 warning /etc/cron.d, /etc/systemd/system']],
    [
      'drbd not enabled, auto-started domain (XD205 error)',
      { boot: cleanBoot({ rcStartLinks: new Set(['xendomains']) }) },
      ['XD205 error /etc/rc2.d'],
    ],
    [
      'systemd: drbd@r0.target enabled and ordered',
      {
        boot: cleanBoot({
          systemd: true,
          enabledUnits: new Set(['drbd@r0.target']),
          dropIn: { path: '/d', text: 'After=drbd@r0.target\n' },
        }),
      },
      [],
    ],
    [
      'headers without ordering (XD206)',
      {
        boot: cleanBoot({
          drbdInit: { path: '/etc/init.d/drbd', text: '### BEGIN INIT INFO\n# X-Start-Before: corosync\n### END INIT INFO\n' },
        }),
      },
      ['XD206 error /etc/init.d/drbd', 'XD206 error /etc/init.d/drbd'],
    ],
    ['no block-drbd (XD207)', { blockDrbdScript: undefined }, ['XD207 error /etc/xen/scripts/block-drbd']],
    [
      "LINBIT's block-drbd (XD207)",
      { blockDrbdScript: { path: '/etc/xen/scripts/block-drbd', text: '#!/bin/bash\n. "$dir/block-common.sh"\ndrbdadm role "$r"\n' } },
      ['XD207 error /etc/xen/scripts/block-drbd'],
    ],
    [
      'a libvirt hook installed after libvirtd started (XD209)',
      { libvirt: libvirt({ state: 'installed', changedMs: 2_000 }, [{ name: 'libvirtd', pid: 812, startedMs: 1_000 }]) },
      ['XD209 warning /etc/libvirt/hooks/libxl.d/xen-drbd'],
    ],
    [
      'a libvirt hook pointing to no executable (XD209)',
      { libvirt: libvirt({ state: 'not-executable', changedMs: 500 }, [{ name: 'virtxend', pid: 9, startedMs: 1_000 }]) },
      ['XD209 error /etc/libvirt/hooks/libxl.d/xen-drbd'],
    ],
  ])('%s', (_, o, expected) => {
    expect(codes(inputs(drbdDomain, o))).toEqual(expected);
  });

  test('severity drops to a warning when no DRBD domain is auto-started', () => {
    const i = inputs({ '/etc/xen/web.cfg': "disk = [ 'drbd:r0,xvda,w' ]\n" }, { boot: cleanBoot({ rcStartLinks: new Set() }) });
    expect(codes(i)).toEqual(['XD205 warning /etc/rc2.d']);
  });
});
