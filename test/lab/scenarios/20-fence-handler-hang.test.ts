// A real hang (issue 19): r0 with `fencing resource-only` and a fence-peer handler that sleeps for
// minutes, the peer disconnected. DRBD 8.4 runs the handler inside the promotion, in the context of
// the drbdsetup block-drbd started, and waits for it uninterruptibly: that drbdsetup cannot die
// (not even of SIGKILL) until the handler returns, and every other drbdsetup on the host queues
// behind it (so this scenario reads roles from /proc/drbd while the handler runs).
// - `xl create` on A fails within libxl's 40 s with block-drbd's message naming the handler wait;
//   r0 stays Secondary, the promotion stays recorded as block-drbd's (marked unfinished), and the
//   `remove` libxl runs after the failed add keeps that record.
// - The handler returns (its sleep killed; it exits 5, "peer unreachable", and our disk is
//   UpToDate): the kernel completes the promotion nobody waits for any more. `xen-drbd status`
//   reports r0 Primary with no domain, recorded as promoted by block-drbd, and `xen-drbd reconcile
//   --apply` (which the hotplug-error tells the admin to run) demotes it.
// - Handler fixed, peer disconnected again: the next `xl create` runs the handler and starts.
import type { Host } from '../lib/lab';
import { useLab, stepLog } from '../lib/scenario';
import { domainExists, role, settledRole, waitConnected, waitDomainGone, waitUpToDate, xlCreate, xlError } from '../lib/drbd';

const NAME = 'fence-handler-hang';
const lab = useLab(NAME);
const CLI = 'node /lab/dist/xen-drbd';
const HANDLER = '/etc/drbd.d/lab-fence-peer.sh';
const HANDLER_LOG = '/var/log/lab/fence-peer.log';
const SLEEP_PID = '/run/lab-fence-sleep.pid';
const RECORD = '/run/xen-drbd/promoted/r0.json';

// Exit 5 once the sleep is killed: "peer unreachable, assumed dead" to DRBD, which then marks the
// peer's disk Outdated and completes the promotion (our disk is UpToDate).
const HANGING_HANDLER = `#!/bin/sh
echo "$(date +%s) hanging fence-peer $DRBD_RESOURCE" >> ${HANDLER_LOG}
sleep 300 &
echo $! > ${SLEEP_PID}
wait $!
exit 5
`;
const FIXED_HANDLER = `#!/bin/sh
echo "$(date +%s) fixed fence-peer $DRBD_RESOURCE" >> ${HANDLER_LOG}
exit 5
`;

/** Minor 0's field (cs, ro, ds) as /proc/drbd shows it: read without drbdsetup, which waits behind the handler. */
async function proc(h: Host, field: 'cs' | 'ro' | 'ds'): Promise<string> {
  const awk = `awk '$1 == "0:" { for (i = 2; i <= NF; i++) if ($i ~ /^${field}:/) print substr($i, ${field.length + 2}) }' /proc/drbd`;
  return (await h.sh(awk)).trim();
}

interface StatusJson {
  resources: { name: string; state?: { role?: string }; users: unknown[] }[];
  findings: { resource: string; code: string; message: string }[];
}

async function status(h: Host): Promise<{ code: number | null; json: StatusJson }> {
  const r = await h.run(`${CLI} status --json`, { timeoutMs: 60_000, job: true });
  try {
    return { code: r.code, json: JSON.parse(r.stdout) as StatusJson };
  } catch {
    throw new Error(`status --json printed no JSON (rc=${r.code}): ${r.stdout.slice(0, 300)} ${r.stderr.slice(0, 300)}`);
  }
}

/** A disconnects from B as in a replication link failure seen from A: A WFConnection, B's disk unknown to A. */
async function disconnectPeer(A: Host, B: Host): Promise<void> {
  await B.sh('drbdadm disconnect r0');
  await A.waitFor(
    'cat /proc/drbd',
    (r) => /cs:WFConnection ro:Secondary\/Unknown ds:UpToDate\/DUnknown/.test(r.stdout),
    60_000,
    'A WFConnection, peer unknown',
  );
}

describe('a fence-peer handler that hangs the promotion', () => {
  test("xl create fails within libxl's limit naming the handler wait; r0 stays Secondary and recorded", async () => {
    const { A, B, note } = lab();
    await A.sh(`mkdir -p /var/log/lab && cat > ${HANDLER} && chmod 755 ${HANDLER}`, { stdin: HANGING_HANDLER });
    const cfg = await A.sh('cat /etc/drbd.d/r0.res');
    const fenced = cfg
      .replace('resource r0 {\n', `resource r0 {\n  handlers {\n    fence-peer "${HANDLER}";\n  }\n`)
      .replace('  disk {\n', '  disk {\n    fencing resource-only;\n');
    expect(fenced).toContain('fencing resource-only;');
    expect(fenced).toContain(`fence-peer "${HANDLER}";`);
    await A.sh('cat > /etc/drbd.d/r0.res && drbdadm adjust r0', { stdin: fenced });
    expect(await A.sh('drbdadm dump r0')).toMatch(/fence-peer\s+"?\/etc\/drbd\.d\/lab-fence-peer\.sh"?;/);
    expect(await A.sh('drbdsetup show r0')).toMatch(/fencing\s+resource-only;/);
    await disconnectPeer(A, B);

    const r = await xlCreate(A, { name: 'fenced', disks: ['drbd:r0,xvda,w'], action: 'hold' }, 180_000);
    const out = `${r.stdout}\n${r.stderr}`;
    const msg = xlError(r);
    stepLog(NAME, `xl create rc=${r.code} in ${(r.ms / 1000).toFixed(1)} s: ${msg}`);
    note('xl create rc', String(r.code));
    note('xl create seconds', (r.ms / 1000).toFixed(1));
    note('message', msg.slice(0, 300));
    expect(r.code).not.toBe(0);
    // Our hotplug-error reached libxl, so block-drbd ended on its own before libxl's SIGKILL.
    expect(out).toMatch(
      /script: r0: the promotion did not finish within \d+\.\d s: DRBD is waiting for the fence-peer handler \/etc\/drbd\.d\/lab-fence-peer\.sh \(fencing resource-only\)/,
    );
    expect(out).toMatch(/'xen-drbd reconcile --apply' demotes it once no domain uses it/);
    expect(out).not.toMatch(/died due to fatal signal/);
    expect(await domainExists(A, 'fenced')).toBe(false);
    expect(await proc(A, 'ro')).toBe('Secondary/Unknown');

    // The `remove` libxl ran after the failed add found r0 Secondary and kept the record.
    const removed = await A.waitFor(
      'cat /var/log/xen/xen-hotplug.log',
      (x) => /r0: Secondary, but the promotion started for backend\/vbd\/\d+\/51712 did not finish/.test(x.stdout),
      120_000,
      "remove's line about the unfinished promotion",
    );
    stepLog(NAME, `xen-hotplug.log: ${removed.stdout.trim().split('\n').slice(-6).join(' | ')}`);
    expect(JSON.parse(await A.sh(`cat ${RECORD}`))).toMatchObject({ resource: 'r0', unfinished: true });
    // The handler is still running: the promotion is still pending in the kernel.
    expect((await A.run(`kill -0 "$(cat ${SLEEP_PID})"`)).code).toBe(0);
    expect(await proc(A, 'ro')).toBe('Secondary/Unknown');
  });

  test('the handler returns, the kernel completes the promotion, and reconcile demotes it', async () => {
    const { A, note } = lab();
    await A.sh(`kill "$(cat ${SLEEP_PID})"`);
    await A.waitFor('cat /proc/drbd', (x) => /ro:Primary\/Unknown/.test(x.stdout), 60_000, 'the late promotion');
    stepLog(NAME, `after the handler returned: ro:${await proc(A, 'ro')} ds:${await proc(A, 'ds')}`);
    expect(await domainExists(A, 'fenced')).toBe(false);

    const s = await status(A);
    stepLog(NAME, `status rc=${s.code}; findings ${JSON.stringify(s.json.findings)}`);
    expect(s.code).toBe(1);
    const unused = s.json.findings.find((f) => f.code === 'primary-unused' && f.resource === 'r0');
    expect(unused?.message).toMatch(/promoted by block-drbd for backend\/vbd\/\d+\/51712/);

    const ap = await A.run(`${CLI} reconcile --apply`, { timeoutMs: 120_000, job: true });
    stepLog(NAME, `reconcile --apply rc=${ap.code}: ${ap.stdout.trim()} ${ap.stderr.trim()}`);
    note('reconcile --apply', `rc=${ap.code} ${ap.stdout.trim().split('\n').join(' | ')}`);
    expect(ap.code).toBe(0);
    expect(ap.stdout).toMatch(/^demote r0: done$/m);
    expect(await role(A, 'r0')).toBe('Secondary/Unknown');
    expect((await A.run(`test -e ${RECORD}`)).code).not.toBe(0);
    const after = await status(A);
    expect(after.json.findings.filter((f) => f.code === 'primary-unused')).toEqual([]);
  });

  test('handler fixed, peer disconnected again: the next xl create runs the handler and starts', async () => {
    const { lab: l, A, B, note } = lab();
    await A.sh(`cat > ${HANDLER}`, { stdin: FIXED_HANDLER });
    // Back to a connected, UpToDate pair, then lose the peer again so that the promotion needs the handler.
    await B.sh('drbdadm connect r0');
    await waitConnected(l, 'r0');
    await waitUpToDate(l, 'r0');
    await disconnectPeer(A, B);

    const r = await xlCreate(A, { name: 'fixed', disks: ['drbd:r0,xvda,w'], action: 'hold' });
    stepLog(NAME, `xl create (handler fixed) rc=${r.code} in ${(r.ms / 1000).toFixed(1)} s: ${xlError(r)}`);
    note('xl create after the fix', `rc=${r.code}`);
    expect(r.code).toBe(0);
    expect(await role(A, 'r0')).toBe('Primary/Unknown');
    expect(await A.sh(`cat ${HANDLER_LOG}`)).toMatch(/fixed fence-peer/);

    expect((await A.run('xl destroy fixed', { timeoutMs: 120_000 })).code).toBe(0);
    await waitDomainGone(A, 'fixed');
    expect(await settledRole(A, 'r0', /^Secondary\//, 60_000)).toBe('Secondary/Unknown');
  });
});
