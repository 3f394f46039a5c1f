// The driver's log: syslog facility local2, tag SM, "[pid] message" lines, as Python SM writes them
// (dom0 routes local2 to /var/log/SMlog). Never stdout (xapi parses all of it) and not stderr
// (xapi appends that to fault parameters). Collected and sent once, at the end of the call.
import type { Runner } from '../exec/run';
import { BufferedSyslog, type Level, type Log } from '../log/buffered-syslog';

export class SmLog implements Log {
  private readonly syslog = new BufferedSyslog();

  log(level: Level, message: string): void {
    this.syslog.add(level, message);
  }

  async flush(run: Runner): Promise<void> {
    // Losing a log line must never change the answer to xapi: a failed logger run is skipped.
    await this.syslog.flush(run, {
      facility: 'local2',
      tag: 'SM',
      format: (m) => `[${process.pid}] ${m.replace(/\n/g, ' ')}`,
      keepGoing: true,
    });
  }
}
