// sr_probe's answer: a string holding an XML document listing the SRs found on the device, in the
// shape LVHD's probe prints (docs/smapi.md §5) so `xe sr-probe` output reads the same.
import { escapeXml } from './xmlrpc-encode';

export interface ProbedSr {
  readonly uuid: string;
  readonly device: string;
  readonly size: bigint;
}

export function probeXml(srs: readonly ProbedSr[]): string {
  const body = srs
    .map((s) => `<SR><UUID>${escapeXml(s.uuid)}</UUID><Devlist>${escapeXml(s.device)}</Devlist><size>${s.size}</size></SR>`)
    .join('');
  return `<?xml version="1.0" ?>\n<SRlist>${body}</SRlist>`;
}
