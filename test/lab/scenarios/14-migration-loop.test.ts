// Ten live migrations A → B → A … on a single-primary resource while the guest writes
// continuously (a journal of ticks, each read back past the page cache). After every move:
// the guest kept writing and reading its data on the new host, exactly one host is Primary, and
// allow-two-primaries is off again on both. At the end both hosts' backing disks hold the
// same journal, and it is exactly the last 256 writes the guest reported (all of them when fewer), each in its slot.
import { useLab, stepLog } from '../lib/scenario';
import { domainExists, waitDomainGone, waitGuestDone, waitRole, xlCreate, xlMigrate, waitUpToDate } from '../lib/drbd';
import { consoleOf, journalOnDisk, journalProblems, lastTick, rolesWith, twoPrimariesOn, waitWriting } from '../lib/migration';

const NAME = 'migration-loop';
const MIGRATIONS = Number(process.env.LAB_MIGRATIONS || 10);
const lab = useLab(NAME);
// A hang guard, not a speed check: every step inside is bounded on its own (xl migrate 240 s, each
// wait 150 s); one move took 100-216 s on a loaded 2-core machine, where the suite's 15 min default
// stopped the loop at its seventh move.
const GUARD_MS = (MIGRATIONS * 300 + 300) * 1000;

describe(`${MIGRATIONS} live migrations with continuous writes`, () => {
  test(
    'every move keeps one writer and the data',
    async () => {
      const { lab: l, A, B, note } = lab();
      const r = await xlCreate(A, { name: 'loop', disks: ['drbd:r0,xvda,w'], action: 'write', poweroff: false, then: 'writeloop' });
      expect(r.code).toBe(0);
      await waitGuestDone(A, 'loop', 180_000);
      let seen = await waitWriting(A, 'loop', 0, l.payloadSha256);
      const seconds: string[] = [];
      let [from, to] = [A, B];
      for (let i = 1; i <= MIGRATIONS; i++) {
        await to.run('rm -f /var/log/xen/console/guest-loop*.log');
        seen = Math.max(seen, lastTick(await consoleOf(from, 'loop')));
        const m = await xlMigrate(from, to, 'loop');
        seconds.push((m.ms / 1000).toFixed(1));
        stepLog(NAME, `migration ${i} ${from.name}→${to.name}: rc=${m.code} in ${(m.ms / 1000).toFixed(1)} s (guest at tick ${seen})`);
        expect({ migration: i, rc: m.code, tail: m.code === 0 ? '' : m.stderr.trim().split('\n').slice(-3).join(' | ') }).toEqual({
          migration: i,
          rc: 0,
          tail: '',
        });
        expect(await domainExists(to, 'loop')).toBe(true);
        expect(await domainExists(from, 'loop')).toBe(false);
        seen = await waitWriting(to, 'loop', seen, l.payloadSha256);
        expect(await rolesWith(to, from, 'r0')).toEqual({ primary: 'Primary/Secondary', secondary: 'Secondary/Primary' });
        expect(await twoPrimariesOn([A, B], 'r0')).toBe(false);
        [from, to] = [to, from];
      }
      note('migrations', String(MIGRATIONS));
      note('seconds each', seconds.join(' '));
      // The guest is back on `from`: stop it there and compare what both disks hold.
      seen = Math.max(seen, lastTick(await consoleOf(from, 'loop')));
      expect((await from.run('xl shutdown -w loop', { timeoutMs: 120_000 })).code).toBe(0);
      await waitDomainGone(from, 'loop');
      const final = lastTick(await consoleOf(from, 'loop'));
      expect(await waitRole(from, 'r0', /^Secondary\//)).toBe('Secondary/Secondary');
      await waitUpToDate(l, 'r0');
      const [ja, jb] = await Promise.all([journalOnDisk(A, 'r0'), journalOnDisk(B, 'r0')]);
      note('guest ticks', String(final));
      stepLog(NAME, `journal: ${final} ticks written; sha A ${ja.sha256.slice(0, 16)} B ${jb.sha256.slice(0, 16)}`);
      expect(final).toBeGreaterThanOrEqual(seen);
      expect(journalProblems(ja.lines, final)).toEqual([]);
      expect(jb.sha256).toBe(ja.sha256);
      expect(await twoPrimariesOn([A, B], 'r0')).toBe(false);
    },
    GUARD_MS,
  );
});
