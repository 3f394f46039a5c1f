// `xen-drbd status` / `reconcile` on a real host: the CLI from dist/ (shipped to dom0 as
// /lab/dist/xen-drbd by the overlay, run with dom0's node) sees r0 Primary and used by the
// running domain (exit 0). Removing the backend's physical-device from xenstore (what is left
// when libxl skips `remove`) makes `status` exit 1 with primary-unused. Then the domain goes away
// while the hotplug script's `remove` is skipped (a wrapper exits 0), so r0 stays Primary with
// no user, and `reconcile --apply` demotes it.
import { useLab, stepLog, type ScenarioOptions } from '../lib/scenario';
import { R0, role, waitDomainGone, xlCreate } from '../lib/drbd';
import type { Host } from '../lib/lab';

const CLI = 'node /lab/dist/xen-drbd';

interface StatusJson {
  resources: { name: string; state?: { role?: string }; users: { backend: string; device: string; domain?: string }[] }[];
  findings: { resource: string; code: string; message: string }[];
}

async function status(h: Host): Promise<{ code: number | null; json: StatusJson; raw: string }> {
  // As jobs: the dom0 agent has been seen to crash right after xl create/migrate (see README).
  const r = await h.run(`${CLI} status --json`, { timeoutMs: 60_000, job: true });
  let json: StatusJson;
  try {
    json = JSON.parse(r.stdout) as StatusJson;
  } catch {
    throw new Error(`status --json printed no JSON (rc=${r.code}): ${r.stdout.slice(0, 300)} ${r.stderr.slice(0, 300)}`);
  }
  return { code: r.code, json, raw: r.stdout };
}

/** The scenario on the lab `options` asks for (DRBD 8.4 by default, or 9). */
export function statusReconcileScenario(NAME: string, options: ScenarioOptions = {}): void {
  const lab = useLab(NAME, [R0], options);
  describe('xen-drbd status and reconcile', () => {
    test('status: r0 Primary, used by the running domain, exit 0', async () => {
      const { A, note } = lab();
      expect((await A.run('test -f /lab/dist/xen-drbd')).code).toBe(0);
      const r = await xlCreate(A, { name: 'st', disks: ['drbd:r0,xvda,w'], action: 'hold' });
      expect(r.code).toBe(0);
      expect(await role(A, 'r0')).toBe('Primary/Secondary');
      const s = await status(A);
      const r0 = s.json.resources.find((x) => x.name === 'r0');
      stepLog(NAME, `status rc=${s.code}; r0 users ${JSON.stringify(r0?.users)}; findings ${JSON.stringify(s.json.findings)}`);
      note('status while running', `rc=${s.code} users=${r0?.users.map((u) => u.domain).join(',')}`);
      expect(s.code).toBe(0);
      expect(r0?.users.some((u) => u.domain === 'st')).toBe(true);
      expect(s.json.findings).toEqual([]);
    });

    test('physical-device removed: status exits 1 naming primary-unused', async () => {
      const { A, note } = lab();
      const domid = (await A.sh('xl domid st')).trim();
      const be = `/local/domain/0/backend/vbd/${domid}/51712`;
      await A.sh(`xenstore-read ${be}/physical-device && xenstore-rm ${be}/physical-device`);
      const s = await status(A);
      stepLog(NAME, `status rc=${s.code}; findings ${JSON.stringify(s.json.findings)}`);
      note('status after xenstore-rm', `rc=${s.code} ${s.json.findings.map((f) => f.code).join(',')}`);
      expect(s.code).toBe(1);
      expect(s.json.findings.some((f) => f.code === 'primary-unused' && f.resource === 'r0')).toBe(true);
      const dry = await A.run(`${CLI} reconcile`, { timeoutMs: 60_000, job: true });
      stepLog(NAME, `reconcile (dry run) rc=${dry.code}: ${dry.stdout.trim()}`);
      expect(dry.stdout).toMatch(/would demote r0/);
      expect(await role(A, 'r0')).toBe('Primary/Secondary');
    });

    test('domain gone without remove: reconcile --apply demotes r0', async () => {
      const { A, B, note } = lab();
      // libxl skips `remove`: the script's remove is a no-op while the domain is destroyed. The
      // installed script is a symlink into /usr/libexec: moved aside (not written through) and back.
      await A.sh(
        'mv /etc/xen/scripts/block-drbd /etc/xen/scripts/block-drbd.real && ' +
          'printf \'#!/bin/sh\\n[ "$1" = remove ] && exit 0\\nexec /etc/xen/scripts/block-drbd.real "$@"\\n\' > /etc/xen/scripts/block-drbd',
      );
      try {
        expect((await A.run('xl destroy st', { timeoutMs: 120_000 })).code).toBe(0);
        await waitDomainGone(A, 'st');
      } finally {
        await A.sh('mv -f /etc/xen/scripts/block-drbd.real /etc/xen/scripts/block-drbd');
      }
      expect(await role(A, 'r0')).toBe('Primary/Secondary');
      const s = await status(A);
      stepLog(NAME, `status rc=${s.code}; findings ${JSON.stringify(s.json.findings)}`);
      expect(s.code).toBe(1);
      expect(s.json.findings.some((f) => f.code === 'primary-unused')).toBe(true);
      const ap = await A.run(`${CLI} reconcile --apply`, { timeoutMs: 120_000, job: true });
      stepLog(NAME, `reconcile --apply rc=${ap.code}: ${ap.stdout.trim()} ${ap.stderr.trim()}`);
      note('reconcile --apply', `rc=${ap.code} ${ap.stdout.trim().split('\n').join(' | ')}`);
      expect(ap.code).toBe(0);
      expect(await role(A, 'r0')).toBe('Secondary/Secondary');
      expect(await role(B, 'r0')).toBe('Secondary/Secondary');
      const after = await status(A);
      expect(after.code).toBe(0);
    });
  });
}
