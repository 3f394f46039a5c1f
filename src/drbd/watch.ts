// A bounded wait for a resource that is settling (DRBD 9): one `drbdsetup events2 RES` for the whole
// wait, which tells at once when the resource changes, instead of a `status --json` every half
// second. The caller still decides from a fresh `status --json` after each change.
import type { Argv, CommandResult, Runner } from '../exec/run';
import { classifyEvents2Line } from './parse/events2';

/** What ended a wait: DRBD reported a change, nothing happened in time, or the watch has stopped. */
export type WatchEvent = 'changed' | 'quiet' | 'ended';

export interface StateWatch {
  /**
   * Resolves at the resource's next change since the previous call, or after `ms`. The first
   * change is DRBD having told the current state: whatever changed before the watch started is in
   * a read made after that. 'ended' once events2 has exited (the caller falls back to polling).
   */
  next(ms: number): Promise<WatchEvent>;
  /** Stops events2 and waits until it is gone. */
  close(): Promise<void>;
}

export function watchEvents(run: Runner, argv: Argv, timeoutMs: number): StateWatch {
  let told = false;
  let changes = 0;
  let seen = 0;
  let ended = false;
  let partial = '';
  let wake: (() => void) | undefined;
  const stop = new AbortController();
  const feed = (chunk: string): void => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const kind = classifyEvents2Line(line.trim());
      if (kind === 'state-told' && !told) told = true;
      else if (kind !== 'state-changed' || !told) continue;
      changes++;
      wake?.();
    }
  };
  const done: Promise<CommandResult | undefined> = run(argv, { timeoutMs, signal: stop.signal, onStdout: feed })
    .catch(() => undefined)
    .finally(() => {
      ended = true;
      wake?.();
    });
  const outcome = (): WatchEvent | undefined => {
    if (changes > seen) {
      seen = changes;
      return 'changed';
    }
    return ended ? 'ended' : undefined;
  };
  return {
    async next(ms) {
      const now = outcome();
      if (now !== undefined) return now;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, ms));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
      return outcome() ?? 'quiet';
    },
    async close() {
      stop.abort();
      await done;
    },
  };
}
