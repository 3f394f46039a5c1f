// The systemd drop-in that orders xendomains after DRBD (docs/boot-order.md §3).
// After= on units that do not exist is harmless, so the newer drbd-utils units are always named;
// Wants= pulls in only what this host has enabled.

export const DROP_IN_PATH = '/etc/systemd/system/xendomains.service.d/10-drbd.conf';

export interface DropInNeeds {
  /** drbd.service is enabled: the legacy unit that brings up every resource. */
  readonly drbdService: boolean;
  /** Resources whose drbd@RES.target is enabled, sorted. */
  readonly resourceTargets: readonly string[];
}

export function dropInText(needs: DropInNeeds): string {
  const lines = [
    '# Installed by `xen-drbd boot-order --apply`; `xen-drbd boot-order --undo` removes it.',
    '[Unit]',
    '# Start after DRBD is configured; stop (shut down, save or migrate the domUs) before DRBD goes down.',
    'After=drbd.service drbd-configured.target',
    'After=drbd-graceful-shutdown.service drbd-graceful-down.service drbd-graceful-disconnect.service',
  ];
  if (needs.drbdService) lines.push('Wants=drbd.service');
  for (const res of needs.resourceTargets) lines.push(`Wants=drbd@${res}.target`, `After=drbd@${res}.target`);
  return `${lines.join('\n')}\n`;
}

/** The units a unit file (or drop-in) orders itself after, from every After= line. */
export function afterUnits(unitText: string): Set<string> {
  const units = new Set<string>();
  for (const m of unitText.matchAll(/^\s*After\s*=(.*)$/gm)) {
    for (const u of (m[1] as string).trim().split(/\s+/)) if (u !== '') units.add(u);
  }
  return units;
}
