import { hostBaselineProblems, parseFacts, resourceBaselineProblems } from '../../lab/lib/baseline';

// reset.sh `facts` as a dom0 prints it right after boot, and after a scenario that leaked.
const CLEAN = `snapshot=present
kind=xen
domains=
drbd_minors=
drbd_resources=
loop_devices=
dm_devices=
dev_dirs=
backend_keys=0
ledger=
policy=
processes=
changed_files=
etc_root=
`;

describe('a dom0 at baseline', () => {
  test('right after boot: nothing to report', () => {
    expect(hostBaselineProblems(parseFacts(CLEAN))).toEqual([]);
  });

  test('each leftover is named with what was found', () => {
    const leaked = CLEAN.replace('domains=', 'domains=mig')
      .replace('drbd_minors=', 'drbd_minors=0')
      .replace('dev_dirs=', 'dev_dirs=/dev/VG_XenStorage-3b2f4c1e')
      .replace('backend_keys=0', 'backend_keys=12')
      .replace('ledger=', 'ledger=/run/xen-drbd/promoted/r0')
      .replace('processes=', 'processes=812:socat TCP-LISTEN:8002')
      .replace('changed_files=', 'changed_files=/usr/libexec/xen-drbd/block-drbd');
    expect(hostBaselineProblems(parseFacts(leaked))).toEqual([
      'domains running: mig',
      'DRBD minors configured: 0',
      "directories added to /dev (an LVM volume group's, say): /dev/VG_XenStorage-3b2f4c1e",
      'xenstore keys under /local/domain/0/backend: 12',
      'block-drbd ledger entries: /run/xen-drbd/promoted/r0',
      'processes started since boot: 812:socat TCP-LISTEN:8002',
      'files changed since boot outside /etc, /root and runtime state: /usr/libexec/xen-drbd/block-drbd',
    ]);
  });

  test('a plain host (no Xen) reports no domains and no xenstore keys, and needs none', () => {
    const plain = CLEAN.replace('kind=xen', 'kind=plain').replace('domains=\n', '').replace('backend_keys=0\n', '');
    expect(hostBaselineProblems(parseFacts(plain))).toEqual([]);
    expect(hostBaselineProblems(parseFacts(plain.replace('drbd_minors=', 'drbd_minors=0')))).toEqual(['DRBD minors configured: 0']);
    expect(hostBaselineProblems(parseFacts(CLEAN.replace('domains=\n', '')))).toEqual(['domains: not reported']);
  });

  test('a host of no known kind is not judged', () => {
    expect(hostBaselineProblems(parseFacts(CLEAN.replace('kind=xen\n', '')))).toEqual(['kind: undefined, want xen or plain']);
  });

  test('a fact missing from the report is a problem, not a pass', () => {
    expect(hostBaselineProblems(parseFacts(CLEAN.replace('ledger=\n', '')))).toEqual(['ledger: not reported']);
  });

  test('no snapshot: the reset has nothing to go back to', () => {
    expect(hostBaselineProblems(parseFacts('snapshot=missing\n'))).toEqual([
      'no snapshot of the booted state (reset.sh snapshot did not run)',
    ]);
  });
});

describe('a new resource at baseline', () => {
  const fresh = { role: 'Secondary/Secondary', cstate: 'Connected', dstate: 'UpToDate/UpToDate', twoPrimaries: false };

  test('Secondary on both sides, connected, in sync, no dual-primary', () => {
    expect(resourceBaselineProblems('r0', 1, false, fresh)).toEqual([]);
  });

  test('dual-primary left on at run time is a leak; configured, it is expected', () => {
    expect(resourceBaselineProblems('r0', 1, false, { ...fresh, twoPrimaries: true })).toEqual(['r0 twoPrimaries: true, want false']);
    expect(resourceBaselineProblems('r0', 1, true, { ...fresh, twoPrimaries: true })).toEqual([]);
  });

  test('every volume of a multi-volume resource counts', () => {
    const two = {
      role: 'Secondary/Secondary\nSecondary/Secondary',
      cstate: 'Connected\nConnected',
      dstate: 'UpToDate/UpToDate\nInconsistent/Inconsistent',
      twoPrimaries: false,
    };
    expect(resourceBaselineProblems('r1', 2, false, two)).toEqual([
      'r1 dstate: "UpToDate/UpToDate\\nInconsistent/Inconsistent", want "UpToDate/UpToDate\\nUpToDate/UpToDate"',
    ]);
  });
});
