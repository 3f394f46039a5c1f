// The status table: one row per volume.
import { userName } from './assess';
import type { HostView } from './types';

export function renderStatus(view: HostView): string {
  const header = ['RESOURCE', 'DEVICE', 'USED BY', 'ROLE', 'PEER', 'CONNECTION', 'DISK/PEER', 'DUAL-PRIMARY', 'PROMOTED BY US'];
  const rows: string[][] = [];
  for (const r of view.resources) {
    if (r.state === undefined) {
      rows.push([r.name, '-', '-', '?', '?', r.error ?? '?', '-', '-', '-']);
      continue;
    }
    const s = r.state;
    r.devices.forEach((d, i) => {
      const v = s.volumes.find((x) => x.minor === d.minor);
      const users = r.users
        .filter((u) => u.device === d.hex)
        .map((u) => (u.kind === 'xen-backend' ? `${u.domain ?? '?'} (${u.backend.replace(/^.*backend\/vbd\//, '')})` : userName(u)));
      const dual = r.twoPrimariesRunning ? (r.twoPrimariesConfigured ? 'on (config)' : 'on (runtime)') : 'off';
      rows.push([
        i === 0 ? r.name : '',
        d.path,
        users.join(', ') || (r.mountedInDom0 ? 'dom0 mount' : r.srVolumeGroup !== undefined ? `drbdlvm SR ${r.srVolumeGroup}` : '-'),
        s.role,
        s.peerRole,
        s.connectionText,
        v === undefined ? '-' : `${v.disk}/${v.peerDisk}`,
        dual,
        r.record === undefined ? 'no' : 'yes',
      ]);
    });
  }
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] ?? '').length)));
  return (
    [header, ...rows]
      .map((row) =>
        row
          .map((cell, c) => cell.padEnd(widths[c] ?? 0))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}
