// What `xen-drbd check` reports: findings with codes that never change meaning, like an error
// catalogue. A code is retired, never reused; a test pins the table.
export type Severity = 'error' | 'warning' | 'info';

export const CODES = {
  XD100: 'xl cannot parse the domain config',
  XD101: 'bare LINBIT disk shorthand without drbd:',
  XD102: 'xl rejects a disk spec',
  XD103: 'the disk names no DRBD resource',
  XD104: 'the resource has no section for this host',
  XD105: 'the disk names a volume the resource lacks',
  XD106: 'a multi-volume resource named without a volume',
  XD107: 'a read-only DRBD disk',
  XD108: 'one DRBD volume used by two disks',
  XD109: 'pygrub boots from a DRBD disk',
  XD110: 'live migration needs protocol C',
  XD111: 'dual-primary without fencing',
  XD112: 'the migration policy refuses this resource',
  XD113: 'online verify is impossible without verify-alg',
  XD114: 'no split-brain handler',
  XD115: 'an after-split-brain policy discards data by itself',
  XD116: 'a DRBD device given to blkback without block-drbd',
  XD120: 'the domain is auto-started on both hosts',
  XD121: 'xendomains saves and restores DRBD domains',
  XD122: 'the peer auto-start list cannot be read',
  XD200: 'the DRBD configuration cannot be read',
  XD201: 'LVM scans a DRBD backing device',
  XD202: 'LVM rejects /dev/drbd*',
  XD203: 'drbd module loaded without disable_sendpage=1',
  XD204: 'no periodic drbdadm verify',
  XD205: 'DRBD is not started at boot',
  XD206: 'xendomains is not ordered after DRBD',
  XD207: 'the installed block-drbd is not xen-drbd',
  XD208: 'the xen-drbd policy file is invalid',
  XD209: 'libvirt does not run the xen-drbd hook',
} as const;

export type Code = keyof typeof CODES;

export interface Finding {
  readonly code: Code;
  readonly severity: Severity;
  /** file:line, or the host file or setting the finding is about. */
  readonly where: string;
  /** One line: what is wrong and why it matters. */
  readonly message: string;
  /** One line: what to do. */
  readonly fix: string;
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** 0 clean (info only), 1 warnings, 2 errors. */
export function exitCode(findings: readonly Finding[]): 0 | 1 | 2 {
  if (findings.some((f) => f.severity === 'error')) return 2;
  return findings.some((f) => f.severity === 'warning') ? 1 : 0;
}

/** Errors first, then by code, then by place, so output is stable whatever order rules ran in. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      RANK[a.severity] - RANK[b.severity] || a.code.localeCompare(b.code) || a.where.localeCompare(b.where, 'en', { numeric: true }),
  );
}

export function renderFindings(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'no findings\n';
  return findings.map((f) => `${f.where}: ${f.severity} ${f.code}: ${f.message}\n    fix: ${f.fix}\n`).join('');
}
