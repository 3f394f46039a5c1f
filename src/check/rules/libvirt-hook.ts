// XD209: on a libvirt host, DRBD disks (`<source dev='/dev/drbd…'/>`) are promoted and demoted by
// xen-drbd's hook alone. libvirt runs a hook only if it is executable, and only if it was there when
// the daemon started (libvirt's hooks page): otherwise a start finds the resource Secondary (8.4:
// the domain cannot open its disk; DRBD 9: auto-promote, unchecked), and a migration has no window.
import type { Finding } from '../findings';
import type { Rule } from '../inputs';

export const libvirtHook: Rule = (inputs) => {
  const lv = inputs.libvirt;
  if (lv === undefined) return [];
  return lv.hooks.flatMap((hook): Finding[] => {
    if (hook.state === 'absent') return [];
    if (hook.state === 'not-executable') {
      return [
        {
          code: 'XD209',
          severity: 'error',
          where: hook.path,
          message: `the hook points to ${hook.target}, which is not an executable file: libvirt skips it, and DRBD disks of libvirt domains are never promoted or demoted`,
          fix: "reinstall the xen-drbd package, or run 'xen-drbd install'",
        },
      ];
    }
    const blind = lv.daemons.filter((d) => d.startedMs < hook.changedMs);
    if (blind.length === 0) return [];
    return [
      {
        code: 'XD209',
        severity: 'warning',
        where: hook.path,
        message:
          `the hook was installed or changed after ${blind.map((d) => `${d.name} (pid ${d.pid})`).join(', ')} started: ` +
          `libvirt looks for hooks only when it starts, so it may not run this one`,
        fix: `restart ${[...new Set(blind.map((d) => d.name))].join(' and ')} while no domain is starting or migrating (running domains keep running)`,
      },
    ];
  });
};
