// CheckInputs for rule tests: a clean host "alpha" by default; each test overrides what it plants.
import type { BootObserved } from '../../../src/boot-order/observed';
import { readDomain } from '../../../src/check/domain';
import type { CheckInputs } from '../../../src/check/inputs';
import type { DrbdConfigDump, ResourceConfig, Sections } from '../../../src/drbd/parse/dump-xml';
import { DEFAULT_POLICY } from '../../../src/policy/policy';
import { launcherBanner, NAME_PLACEHOLDER } from '../../../src/startup-snapshot/layout';

export const sections = (s: Record<string, Record<string, string>>): Sections =>
  new Map(Object.entries(s).map(([name, options]) => [name, new Map(Object.entries(options))]));

export function resource(
  name: string,
  o: { hosts?: string[]; disks?: string[]; net?: Record<string, string>; other?: Record<string, Record<string, string>> } = {},
): ResourceConfig {
  const disks = o.disks ?? ['/dev/vg0/' + name];
  return {
    name,
    definedAt: `/etc/drbd.d/${name}.res:1`,
    hosts: (o.hosts ?? ['alpha', 'bravo']).map((h) => ({
      name: h,
      volumes: disks.map((disk, vnr) => ({ vnr, minor: vnr, device: `/dev/drbd${vnr}`, disk })),
    })),
    sections: sections({ ...(o.net === undefined ? {} : { net: o.net }), ...(o.other ?? {}) }),
    connections: [],
  };
}

export const COMMON = sections({
  net: {
    protocol: 'C',
    fencing: 'resource-and-stonith',
    'verify-alg': 'crc32c',
    'after-sb-0pri': 'discard-zero-changes',
    'after-sb-1pri': 'discard-secondary',
    'after-sb-2pri': 'disconnect',
  },
  handlers: { 'split-brain': '/usr/lib/drbd/notify-split-brain.sh root', 'fence-peer': '/usr/lib/drbd/crm-fence-peer.9.sh' },
});

export const dump = (resources: ResourceConfig[], common: Sections = COMMON): DrbdConfigDump => ({ common, resources });

export const SYSV_DRBD_HEADER =
  '#!/bin/sh\n### BEGIN INIT INFO\n# Provides: drbd\n# X-Start-Before: heartbeat corosync xendomains\n# X-Stop-After:   heartbeat corosync xendomains\n### END INIT INFO\n';
export const SYSV_XENDOMAINS_HEADER =
  '#!/bin/sh\n### BEGIN INIT INFO\n# Provides: xendomains\n# Should-Start: iscsi\n# Should-Stop: iscsi\n### END INIT INFO\n';

export const cleanBoot = (o: Partial<BootObserved> = {}): BootObserved => ({
  systemd: false,
  drbdInit: { path: '/etc/init.d/drbd', text: SYSV_DRBD_HEADER },
  xendomainsInit: { path: '/etc/init.d/xendomains', text: SYSV_XENDOMAINS_HEADER },
  xendomainsUnit: undefined,
  dropIn: undefined,
  enabledUnits: new Set(),
  rcStartLinks: new Set(['drbd', 'xendomains']),
  ...o,
});

export interface Configs {
  /** path → text; paths under /etc/xen/auto/ count as auto-started. */
  readonly [path: string]: string;
}

export function inputs(
  configs: Configs = { '/etc/xen/auto/web.cfg': 'name = "web"\ndisk = [ "drbd:r0,xvda,w" ]\n' },
  o: Partial<CheckInputs> = {},
): CheckInputs {
  return {
    hostname: 'alpha',
    domains: Object.entries(configs).map(([path, text]) =>
      readDomain({
        path,
        text,
        autoStarted: path.startsWith('/etc/xen/auto/'),
        ...(path.startsWith('/etc/xen/auto/') ? { autoName: path.replace(/^.*\//, '') } : {}),
      }),
    ),
    drbd: { ok: true, dump: dump([resource('r0', { disks: ['/dev/sdb1'] })]) },
    policy: { path: '/etc/xen/xen-drbd.json', result: { ok: true, policy: DEFAULT_POLICY } },
    lvmConf: { path: '/etc/lvm/lvm.conf', text: 'devices { global_filter = [ "a|^/dev/drbd|", "r|^/dev/sdb1$|" ] }\n' },
    modprobe: [{ path: '/etc/modprobe.d/drbd.conf', text: 'options drbd disable_sendpage=1\n' }],
    schedules: [{ path: '/etc/cron.d/drbd-verify', text: '42 0 * * 0 root /sbin/drbdadm verify all\n' }],
    boot: cleanBoot(),
    blockDrbdScript: {
      path: '/etc/xen/scripts/block-drbd',
      text: `${launcherBanner().replace(NAME_PLACEHOLDER, 'block-drbd')}\n"use strict";\n`,
    },
    xendomainsDefault: { path: '/etc/default/xendomains', text: 'XENDOMAINS_SAVE=""\nXENDOMAINS_RESTORE=false\n' },
    libvirt: undefined,
    peerAutoList: undefined,
    ...o,
  };
}
