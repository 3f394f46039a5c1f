// The lab's journal checker decides whether 10 live migrations lost a write: it must reject
// every kind of damage, not just accept the good case.
import { journalProblems, lastTick, ticks } from '../../lab/lib/migration';

const journal = (top: number, edit?: (lines: string[]) => void): string[] => {
  const lines = Array.from({ length: 256 }, (_, s) => `xen-drbd-lab tick=${top - ((((top - s) % 256) + 256) % 256)}`);
  edit?.(lines);
  return lines;
};

describe('journalProblems', () => {
  test('accepts the journal the guest wrote, newest tick reported or one beyond', () => {
    expect(journalProblems(journal(1000), 1000)).toEqual([]);
    expect(journalProblems(journal(1001), 1000)).toEqual([]);
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
