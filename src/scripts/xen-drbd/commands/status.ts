// `xen-drbd status [--json]`: every DRBD resource, who uses it, its roles, link and disks, whether
// dual-primary is on; exit 1 when anything is unsafe.
import { assessHost, unreadClause } from '../../../host-view/assess';
import { gatherHost } from '../../../host-view/gather';
import { renderStatus } from '../../../host-view/render';
import { openHost } from '../host';
import type { Command } from './command';

export const status: Command = {
  summary: 'show every DRBD resource, the domains using it and its state (--json); exit 1 if unsafe',
  async run(args) {
    if (args.some((a) => a !== '--json')) {
      process.stderr.write('usage: xen-drbd status [--json]\n');
      return 2;
    }
    const host = await openHost();
    try {
      const { view } = await gatherHost(host);
      const findings = assessHost(view);
      // Not a finding of a resource, but every "unused" below may be wrong while it stands.
      for (const u of view.libvirtUnread) {
        process.stderr.write(`xen-drbd: ${unreadClause(u)}: its domains are not shown\n`);
      }
      if (args.includes('--json')) {
        process.stdout.write(
          `${JSON.stringify(
            {
              resources: view.resources,
              migrationInProgress: view.migrationInProgress,
              libvirt: { read: view.libvirtRead, unread: view.libvirtUnread },
              findings,
            },
            null,
            2,
          )}\n`,
        );
      } else {
        process.stdout.write(renderStatus(view));
        for (const f of findings) process.stdout.write(`UNSAFE ${f.code}: ${f.message}\n`);
      }
      return findings.length === 0 ? 0 : 1;
    } finally {
      host.close();
    }
  },
};
