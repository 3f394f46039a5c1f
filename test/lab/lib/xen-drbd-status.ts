// `xen-drbd status --json` run in a dom0 and read: the fields the scenarios check.
import type { Host } from './lab';

export interface StatusFinding {
  readonly resource: string;
  readonly code: string;
}

export interface StatusReport {
  /** The CLI's exit code: 1 when it found something unsafe. */
  readonly exit: number | null;
  readonly findings: readonly StatusFinding[];
  readonly resources: readonly { readonly name: string; readonly srVolumeGroup?: string }[];
}

export async function xenDrbdStatus(h: Host): Promise<StatusReport> {
  const r = await h.run('node /lab/dist/xen-drbd status --json');
  const parsed = JSON.parse(r.stdout) as Omit<StatusReport, 'exit'>;
  return { exit: r.code, findings: parsed.findings, resources: parsed.resources };
}

/** After a split-brain: status exits 1 with a `standalone` finding for r0 (noted for the report). */
export async function expectStandAloneReported(h: Host, note: (key: string, value: string) => void): Promise<void> {
  const status = await xenDrbdStatus(h);
  note(`xen-drbd status findings on ${h.name}`, JSON.stringify(status.findings.map((f) => f.code)));
  expect(status.exit).toBe(1);
  expect(status.findings).toContainEqual(expect.objectContaining({ resource: 'r0', code: 'standalone' }));
}
