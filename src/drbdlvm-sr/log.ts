// The driver's log: syslog facility local2, tag SM, "[pid] message" lines, as Python SM writes them
// (dom0 routes local2 to /var/log/SMlog). Never stdout (xapi parses all of it) and not stderr
// (xapi appends that to fault parameters). Collected and sent once, at the end of the call.
import type { Runner } from '../exec/run';
import type { Log } from './ports';

type Level = Parameters<Log['log']>[0];

export class SmLog implements Log {
  readonly lines: Array<{ level: Level; message: string }> = [];

  log(level: Level, message: string): void {
    this.lines.push({ level, message });
  }

  async flush(run: Runner): Promise<void> {
    for (const level of [...new Set(this.lines.map((l) => l.level))]) {
      const body = this.lines.filter((l) => l.level === level).map((l) => `[${process.pid}] ${l.message.replace(/\n/g, ' ')}`).join('\n');
      try {
        await run(['logger', '-p', `local2.${level}`, '-t', 'SM'], { timeoutMs: 2000, stdin: `${body}\n` });
      } catch {
        // Losing a log line must never change the answer to xapi.
      }
    }
  }
}
