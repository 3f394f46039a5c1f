// Live migration failure paths on a single-primary resource, each injected for real and each
// required to end with one writer and no dual-primary left behind:
//   1. the destination's block-drbd refuses (policy migrationMode "refuse" on B);
//   2. the destination fails after its block-drbd promoted (another disk's hotplug script
//      fails once r0 is Primary on B): libxl tears the incoming domain down, B must demote;
//   3. the migration stream breaks mid-transfer (the sender's transport is killed);
//   then a clean migration A → B, and the guest destroyed on B right after its arrival (the
//   destination failing after the point of no return): B's remove must demote.
// The guest keeps writing throughout; after every failure it must still write on A.
import { useLab, stepLog } from '../lib/scenario';
import { domainExists, role, settledRole, waitDomainGone, waitGuestDone, xlCreate, xlMigrate } from '../lib/drbd';
import { consoleOf, lastTick, rolesWith, twoPrimariesOn, waitWriting } from '../lib/migration';
import type { Host } from '../lib/lab';

const NAME = 'migration-failures';
const lab = useLab(NAME);

// A disk whose hotplug script works like Xen's `block` on A, and on B (when /run/lab-fail
// exists) waits until r0 is Primary there, then fails: the failure comes after our promote.
const FAIL_SCRIPT = `#!/bin/bash
if [ "$1" = add ] && [ -e /run/lab-fail ]; then
  for i in $(seq 1 300); do drbdadm role r0 2>/dev/null | grep -q '^Primary' && break; sleep 0.1; done
  echo "$(date +%s) failing add; r0 $(drbdadm role r0)" >> /var/log/lab/lab-fail.log
  xenstore-write "$XENBUS_PATH/hotplug-error" "lab: injected failure after r0 was promoted" "$XENBUS_PATH/hotplug-status" error
  exit 1
fi
exec /etc/xen/scripts/block "$@"
`;

const EXTRA_DISK = 'format=raw,vdev=xvdb,access=w,script=/etc/xen/scripts/lab-fail,target=/dev/lab-extra';

async function expectGuestStillOnA(A: Host, B: Host, step: string, payloadSha: string): Promise<void> {
  expect({
    step,
    onA: await domainExists(A, 'mf'),
    onB: await domainExists(B, 'mf'),
    incomingOnB: await domainExists(B, 'mf--incoming'),
  }).toEqual({
    step,
    onA: true,
    onB: false,
    incomingOnB: false,
  });
  const before = lastTick(await consoleOf(A, 'mf'));
  await waitWriting(A, 'mf', before, payloadSha);
  expect(await rolesWith(A, B, 'r0')).toEqual({ primary: 'Primary/Secondary', secondary: 'Secondary/Primary' });
  expect(await twoPrimariesOn([A, B], 'r0')).toBe(false);
}

describe('live migration failure paths', () => {
  beforeAll(async () => {
    const { lab: l, A, B } = lab();
    for (const h of [A, B]) {
      await h.sh('cat > /etc/xen/scripts/lab-fail && chmod 755 /etc/xen/scripts/lab-fail', { stdin: FAIL_SCRIPT });
      await h.sh('truncate -s 16M /var/lib/lab/extra.img && ln -sf "$(losetup --find --show /var/lib/lab/extra.img)" /dev/lab-extra');
    }
    const r = await xlCreate(A, { name: 'mf', disks: ['drbd:r0,xvda,w', EXTRA_DISK], action: 'write', poweroff: false, then: 'writeloop' });
    expect(r.code).toBe(0);
    await waitGuestDone(A, 'mf', 180_000);
    await waitWriting(A, 'mf', 0, l.payloadSha256);
  }, 300_000);

  test('1. the destination refuses: the guest stays on A, nothing changed', async () => {
    const { lab: l, A, B, note } = lab();
    await B.sh(`echo '{"migrationMode": "refuse"}' > /etc/xen/xen-drbd.json`);
    const m = await xlMigrate(A, B, 'mf');
    await B.sh('rm -f /etc/xen/xen-drbd.json');
    // The refusal is the destination's to tell: its block-drbd's error line on B.
    const why = (await B.run("grep -h ': err: r0:' /var/log/xen/xen-hotplug.log | tail -n 1")).stdout.trim();
    stepLog(NAME, `1: xl migrate rc=${m.code}: ${why}`);
    note('1 refused', why.slice(0, 200));
    expect(m.code).not.toBe(0);
    expect(why).toMatch(/refus/i);
    await expectGuestStillOnA(A, B, '1', l.payloadSha256);
  });

  test('2. the destination fails after promoting: B demotes, the guest stays on A', async () => {
    const { lab: l, A, B, note } = lab();
    await B.sh('touch /run/lab-fail');
    const m = await xlMigrate(A, B, 'mf');
    await B.sh('rm -f /run/lab-fail');
    const failLog = (await B.run('cat /var/log/lab/lab-fail.log')).stdout.trim();
    stepLog(NAME, `2: xl migrate rc=${m.code}; injected: ${failLog}`);
    note('2 injected', failLog.replace(/\n/g, '; '));
    expect(m.code).not.toBe(0);
    expect(failLog).toMatch(/failing add; r0 Primary/);
    await expectGuestStillOnA(A, B, '2', l.payloadSha256);
  });

  test('3. the stream breaks mid-transfer: the guest resumes on A', async () => {
    const { lab: l, A, B, note } = lab();
    const killer = (async () => {
      // Once the incoming domain exists on B, memory is streaming: cut the sender's transport.
      await B.waitFor('xl domid mf--incoming', (x) => x.code === 0, 120_000, 'incoming domain on B');
      // Anchored: only the transport process itself, not xl (whose arguments name it) nor this shell.
      return A.run(`pkill -KILL -f '^socat - TCP:${B.replIp}:8002' && echo killed`);
    })();
    const m = await xlMigrate(A, B, 'mf');
    const k = await killer;
    stepLog(NAME, `3: transport ${k.stdout.trim()}; xl migrate rc=${m.code}: ${m.stderr.trim().split('\n').slice(-2).join(' | ')}`);
    note('3 rc', String(m.code));
    expect(k.stdout.trim()).toBe('killed');
    expect(m.code).not.toBe(0);
    expect(m.code).not.toBe(137); // xl itself must have failed cleanly, not been killed
    await B.waitFor('xl domid mf--incoming', (x) => x.code !== 0, 90_000, 'incoming domain gone from B');
    await expectGuestStillOnA(A, B, '3', l.payloadSha256);
  });

  test('4. a clean move A → B, then the guest dies on B: B demotes, nothing left Primary', async () => {
    const { lab: l, A, B, note } = lab();
    await B.run('rm -f /var/log/xen/console/guest-mf*.log');
    const m = await xlMigrate(A, B, 'mf');
    stepLog(NAME, `4: xl migrate rc=${m.code} in ${(m.ms / 1000).toFixed(1)} s`);
    expect(m.code).toBe(0);
    await waitWriting(B, 'mf', 0, l.payloadSha256);
    expect(await rolesWith(B, A, 'r0')).toEqual({ primary: 'Primary/Secondary', secondary: 'Secondary/Primary' });
    expect((await B.run('xl destroy mf', { timeoutMs: 60_000 })).code).toBe(0);
    await waitDomainGone(B, 'mf');
    const roles = { A: await role(A, 'r0'), B: await settledRole(B, 'r0', /^Secondary\/Secondary$/) };
    note('4 roles after destroy', `A ${roles.A}, B ${roles.B}`);
    expect(roles).toEqual({ A: 'Secondary/Secondary', B: 'Secondary/Secondary' });
    expect(await twoPrimariesOn([A, B], 'r0')).toBe(false);
  });
});
