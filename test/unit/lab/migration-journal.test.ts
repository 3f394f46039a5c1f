// The lab's journal checker decides whether 10 live migrations lost a write: it must reject
// every kind of damage, not just accept the good case.
import { journalProblems, lastTick, ticks } from '../../lab/lib/migration';

/** What journalOnDisk reads after ticks 1..top: one line per slot, empty where no tick was written. */
const journal = (top: number, edit?: (lines: string[]) => void): string[] => {
  const lines = Array.from({ length: 256 }, (_, s) => {
    const t = top - ((((top - s) % 256) + 256) % 256);
    return t > 0 ? `xen-drbd-lab tick=${t}` : '';
  });
  edit?.(lines);
  return lines;
};

describe('journalProblems', () => {
  test('accepts the journal the guest wrote, newest tick reported or one beyond', () => {
    expect(journalProblems(journal(1000), 1000)).toEqual([]);
    expect(journalProblems(journal(1001), 1000)).toEqual([]);
  });
  test('accepts a guest that wrote fewer than 256 ticks: slot 0 and the slots above its newest tick empty', () => {
    const j = journal(254);
    expect([j[0], j[1], j[254], j[255]]).toEqual(['', 'xen-drbd-lab tick=1', 'xen-drbd-lab tick=254', '']);
    expect(journalProblems(j, 254)).toEqual([]);
  });
  test('rejects content where no tick was written, and an empty slot where one was', () => {
    expect(
      journalProblems(
        journal(100, (l) => (l[0] = 'garbage')),
        100,
      ),
    ).toEqual(['slot 0: "garbage" where no tick was written']);
    expect(
      journalProblems(
        journal(100, (l) => (l[50] = '')),
        100,
      ),
    ).toEqual(['slot 50: unexpected content ""']);
  });
  test('rejects a lost last write', () => {
    expect(journalProblems(journal(999), 1000)).toEqual(["newest tick on disk 999, guest's last reported 1000"]);
  });
  test('rejects a stale slot (an older write where a newer one belongs)', () => {
    expect(
      journalProblems(
        journal(1000, (l) => (l[5] = 'xen-drbd-lab tick=517')),
        1000,
      ),
    ).toEqual(['slot 5: tick 517, expected 773']);
  });
  test('rejects garbage and missing slots', () => {
    expect(
      journalProblems(
        journal(1000, (l) => (l[7] = 'garbage')),
        1000,
      ),
    ).toEqual(['slot 7: unexpected content "garbage"']);
    expect(journalProblems(journal(1000).slice(1), 1000)[0]).toBe('expected 256 journal slots, found 255');
  });
});

describe('ticks', () => {
  test("reads the guest's tick lines from a console log", () => {
    const log = 'LAB-GUEST done rc=0\r\nLAB-GUEST op=tick tick=1 rc=0\r\nnoise\nLAB-GUEST op=tick tick=2 rc=1\n';
    expect(ticks(log)).toEqual([
      { tick: 1, rc: 0 },
      { tick: 2, rc: 1 },
    ]);
    expect(lastTick(log)).toBe(2);
  });
});
