// xen-drbd(8) and `xen-drbd help COMMAND`: one entry per subcommand. The one-line summaries that
// `xen-drbd --help` lists stay with the commands (commands/*.ts); the details live here.
import type { HelpItem, HelpPage } from './page';

export const XEN_DRBD_COMMANDS = {
  status: {
    term: 'xen-drbd status [--json]',
    text: [
      'Every DRBD resource with the domains using each volume, local and peer role, connection, disk states, whether dual-primary is on (by config or at run time) and whether block-drbd promoted it.',
      'Exits 1 when something is unsafe: a resource Primary with no domain using it, both hosts Primary outside a migration, a runtime dual-primary left on, a StandAlone resource, a domain on a resource that is not Primary, a host without DRBD 9 quorum.',
      "A resource whose device holds a drbdlvm SR (a VG_XenStorage-<sr_uuid> PV, read with pvs) is Primary on both hosts by design: neither its idle Primary nor the peer's is unsafe, and reconcile never demotes it; StandAlone still is.",
      "Domains come from xenstore's block backends and, where a libvirt daemon's socket is in /run/libvirt, from libvirt's running domains (qemu:///system, xen:///system) through the libvirt binding in /usr/lib/xen-drbd/node_modules/@unraid/libvirt. A libvirt connection that cannot be read is named on stderr and in --json (libvirt.unread).",
    ],
  },
  reconcile: {
    term: 'xen-drbd reconcile [--apply] [--include-unrecorded]',
    text: [
      'Demotes resources block-drbd promoted that no domain uses any more (libxl skips remove when a backend never reaches Closed) and switches a left-over runtime dual-primary off. A dry run unless --apply; resources promoted by someone else are left alone unless --include-unrecorded. While a libvirt connection cannot be read, it keeps every Primary a libvirt domain may hold (unrecorded ones and those of the libvirt hook) and says so.',
      "xen-drbd-reconcile.service runs it at boot and, after xendomains has stopped, at shutdown; it is installed but not enabled: systemctl enable xen-drbd-reconcile.service. Without systemd, run it after xendomains stops, from the dom0's own rc scripts.",
    ],
  },
  'parse-disk': {
    term: 'xen-drbd parse-disk SPEC... [--json] | parse-disk --batch < SPECS',
    text: [
      "xl's own reading of a disk spec, as `xl -N block-attach 0 SPEC` prints it; --json prints the libxl JSON object alone.",
      '--batch reads one spec per line from standard input and prints one JSON line per spec.',
    ],
  },
  'parse-config': {
    term: 'xen-drbd parse-config FILE [--json] | parse-config --batch < FILES',
    text: [
      "xl's reading of a domain config file: the settings xl would use (the last assignment wins), every disk expanded to libxl's fields.",
      '--batch reads one file name per line from standard input and prints one JSON line per file.',
    ],
  },
  check: {
    term: 'xen-drbd check [CONFIG...] [--json] [--peer-auto-list FILE] [--root DIR] [--hostname NAME]',
    text: [
      "Lints domain configs (default: every file in /etc/xen/auto) against this host's DRBD configuration and the host against what DRBD-backed domains need. Each finding has a stable code (XD100-XD208), a severity, where, why and the fix.",
      "--peer-auto-list names a file holding the peer's `ls /etc/xen/auto`. Exits 0 when clean (notes only), 1 on warnings, 2 on errors.",
    ],
  },
  'boot-order': {
    term: 'xen-drbd boot-order --check | --apply | --undo [--root DIR]',
    text: [
      'Starts xendomains after DRBD and stops it before: --apply adds xendomains to X-Start-Before and X-Stop-After in /etc/init.d/drbd and, where systemd runs, writes /etc/systemd/system/xendomains.service.d/10-drbd.conf. The originals are saved in /var/lib/xen-drbd/boot-order; --undo puts them back. --check exits 1 while there is something to apply.',
      'The package does not do this by itself: the drop-in depends on which drbd@RES targets this host enables, and /etc/init.d/drbd belongs to drbd-utils.',
    ],
  },
  'startup-snapshot': {
    term: 'xen-drbd startup-snapshot [--status | --remove] [PATH...]',
    text: [
      "Builds a V8 start-up snapshot of each installed executable (block-drbd, xen-drbd itself, the SR driver, and the libvirt hook where a libvirt daemon is installed) with /usr/bin/node, into /usr/lib/xen-drbd/startup-snapshot, so that node starts from it instead of evaluating the bundle: Debian's nodejs is built without node's own snapshot and pays its whole bootstrap at every start. A snapshot is published only after it has answered --help exactly as the plain bundle does. The packages run this after every install and, through a trigger, whenever nodejs or a libvirt daemon is installed or upgraded.",
      'Each executable checks before node starts, with shell builtins only, that the bundle, node and libnode are still the files the snapshot was built from; after any upgrade until the next build, it simply starts without the snapshot. --status says, per executable, whether it starts from its snapshot and exits 1 if one does not; --remove takes them away. PATH names a bundle away from its installed path (a copy of DrbdlvmSR, say).',
    ],
  },
  install: {
    term: 'xen-drbd install [--dry-run] [--destdir DIR] [--layout debian|xcp-ng]',
    text: [
      "Installs from a source tree (run as dist/xen-drbd) the same files the packages hold, printing each one. A file already at a path (Debian's block-drbd from drbd-utils) is kept as PATH.xen-drbd-orig; what was done is recorded in /var/lib/xen-drbd/install/manifest.json.",
      '--destdir DIR installs under DIR and records nothing outside it; --dry-run only prints. The layout defaults to xcp-ng where /opt/xensource/sm exists, else debian. Do not mix with the .deb or .rpm.',
    ],
  },
  uninstall: {
    term: 'xen-drbd uninstall [--dry-run] [--destdir DIR]',
    text: ['Removes what install recorded and puts back every file it had kept as PATH.xen-drbd-orig.'],
  },
} as const satisfies Record<string, HelpItem>;

/** undefined for a name that is not a command (own keys only: "constructor" is not one). */
export function commandHelp(name: string): HelpItem | undefined {
  return Object.hasOwn(XEN_DRBD_COMMANDS, name) ? XEN_DRBD_COMMANDS[name as keyof typeof XEN_DRBD_COMMANDS] : undefined;
}

export const xenDrbdPage: HelpPage = {
  name: 'xen-drbd',
  section: 8,
  summary: 'inspect, repair and install DRBD-backed Xen disks',
  synopsis: ['xen-drbd COMMAND [ARGS...]', 'xen-drbd help [COMMAND]'],
  description: [
    'The admin side of block-drbd(8): what is promoted where, demoting what no domain uses, checking domain configs and the host, boot ordering, and installing from source.',
  ],
  sections: [
    { title: 'Commands', items: Object.values(XEN_DRBD_COMMANDS) },
    {
      title: 'Files',
      items: [
        { term: '/etc/xen/xen-drbd.json', text: ["block-drbd's optional policy file; check reports a broken one."] },
        { term: '/run/xen-drbd/promoted', text: ['What block-drbd promoted; status and reconcile read it.'] },
      ],
    },
  ],
  seeAlso: ['block-drbd(8)', 'drbdlvm(8)', 'xl(1)', 'drbdadm(8)'],
};
