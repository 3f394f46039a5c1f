// What a scenario may assume when it starts, and the check that it holds: nothing left over from
// an earlier scenario on the same lab (reset.sh `facts`), then each resource freshly created,
// Secondary on both hosts, connected, in sync, without dual-primary. Pure: the lab gathers, this judges.

/** `key=value` lines of reset.sh `facts`. */
export function parseFacts(text: string): Record<string, string> {
  const facts: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) facts[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return facts;
}

/** What each fact says when it is not at baseline (all are lists, empty at baseline, but for the backend key count, 0). */
const LEFT_OVER: Readonly<Record<string, string>> = {
  domains: 'domains running',
  drbd_minors: 'DRBD minors configured',
  drbd_resources: 'resource files in /etc/drbd.d',
  loop_devices: 'loop devices attached',
  dm_devices: 'device-mapper devices',
  dev_dirs: "directories added to /dev (an LVM volume group's, say)",
  backend_keys: 'xenstore keys under /local/domain/0/backend',
  ledger: 'block-drbd ledger entries',
  policy: 'a policy file',
  processes: 'processes started since boot',
  changed_files: 'files changed since boot outside /etc, /root and runtime state',
  etc_root: 'files added to or removed from /etc or /root',
};

/** Facts only a Xen host reports: a plain host (kind=plain) has no domains and no xenstore. */
const XEN_ONLY: ReadonlySet<string> = new Set(['domains', 'backend_keys']);

/** One line per thing that is not as right after boot; empty when the host is at baseline. */
export function hostBaselineProblems(facts: Readonly<Record<string, string>>): string[] {
  if (facts.snapshot !== 'present') return ['no snapshot of the booted state (reset.sh snapshot did not run)'];
  if (facts.kind !== 'xen' && facts.kind !== 'plain') return [`kind: ${JSON.stringify(facts.kind)}, want xen or plain`];
  const problems: string[] = [];
  for (const [key, what] of Object.entries(LEFT_OVER)) {
    if (facts.kind === 'plain' && XEN_ONLY.has(key)) continue;
    const v = facts[key];
    if (v === undefined) problems.push(`${key}: not reported`);
    else if (v !== (key === 'backend_keys' ? '0' : '')) problems.push(`${what}: ${v}`);
  }
  return problems;
}

/** A resource as drbdadm role/cstate/dstate and drbdsetup show (allow-two-primaries in effect) see it. */
export interface ResourceState {
  readonly role: string;
  readonly cstate: string;
  readonly dstate: string;
  readonly twoPrimaries: boolean;
}

/**
 * A new resource as every scenario starts with it: Secondary on both sides, connected, in sync,
 * dual-primary only where its configuration asks for it.
 */
export function resourceBaselineProblems(resource: string, volumes: number, configuredTwoPrimaries: boolean, s: ResourceState): string[] {
  const each = (v: string) => Array.from({ length: volumes }, () => v).join('\n');
  const want: ResourceState = {
    role: each('Secondary/Secondary'),
    cstate: each('Connected'),
    dstate: each('UpToDate/UpToDate'),
    twoPrimaries: configuredTwoPrimaries,
  };
  const problems: string[] = [];
  for (const k of ['role', 'cstate', 'dstate', 'twoPrimaries'] as const) {
    if (s[k] !== want[k]) problems.push(`${resource} ${k}: ${JSON.stringify(s[k])}, want ${JSON.stringify(want[k])}`);
  }
  return problems;
}
