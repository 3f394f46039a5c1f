// What both executables do with their log lines: keep them for the whole run and hand them to
// syslog at the end, one `logger` process per level present (a process per line would cost more
// than the run's own work). Each executable keeps its own facility, tag and line format.
import type { Runner } from '../exec/run';

/** syslog severities the executables use, least severe first. */
export type Level = 'debug' | 'info' | 'notice' | 'warning' | 'err';
const SEVERITY: Record<Level, number> = { debug: 0, info: 1, notice: 2, warning: 3, err: 4 };

/** Where library code logs to; each executable's log (HotplugLog, SmLog) implements it. */
export interface Log {
  log(level: Level, message: string): void;
}

export interface SyslogTarget {
  readonly facility: string;
  readonly tag: string;
  /** One message as it goes on its line. */
  readonly format: (message: string) => string;
  /** Levels below this one are not sent (default: all). */
  readonly least?: Level;
  /** Go on with the next level when a logger run fails, instead of failing the flush. */
  readonly keepGoing?: boolean;
}

export class BufferedSyslog {
  private readonly lines: Array<{ readonly level: Level; readonly message: string }> = [];

  add(level: Level, message: string): void {
    this.lines.push({ level, message });
  }

  /** Sends the lines, grouped by level in the order each level first appeared. */
  async flush(run: Runner, to: SyslogTarget): Promise<void> {
    const least = SEVERITY[to.least ?? 'debug'];
    const levels = [...new Set(this.lines.map((l) => l.level))].filter((l) => SEVERITY[l] >= least);
    for (const level of levels) {
      const body = this.lines
        .filter((l) => l.level === level)
        .map((l) => to.format(l.message))
        .join('\n');
      try {
        await run(['logger', '-p', `${to.facility}.${level}`, '-t', to.tag], { timeoutMs: 2000, stdin: `${body}\n` });
      } catch (e) {
        if (!to.keepGoing) throw e;
      }
    }
  }
}
