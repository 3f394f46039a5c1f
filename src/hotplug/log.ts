// Where a hotplug script's words go: /var/log/xen/xen-hotplug.log (where xen-hotplug-common.sh
// sends stderr) and syslog (daemon facility, tagged with the script name, like logging.sh).
// The file gets each line as it is logged, so a run that libxl SIGKILLs at its 40 s limit still
// leaves its trace there; syslog gets the lines at the end, one logger process per level present.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Runner } from '../exec/run';
import { appendNoFollow } from '../fs/no-follow';
import { BufferedSyslog, type Level, type Log } from '../log/buffered-syslog';

export class HotplugLog implements Log {
  private readonly syslog = new BufferedSyslog();
  private fileUsable = true;

  constructor(
    private readonly tag: string,
    private readonly hotplugLogPath: string,
  ) {}

  log(level: Level, message: string): void {
    this.syslog.add(level, message);
    this.append(`${new Date().toISOString()} ${this.tag}[${process.pid}]: ${level}: ${message.replace(/\n/g, ' ')}\n`);
  }

  /** Sends the lines at or above `least` to syslog. */
  async flushSyslog(run: Runner, least: Level): Promise<void> {
    await this.syslog.flush(run, { facility: 'daemon', tag: this.tag, format: (m) => m.replace(/\n/g, ' '), least });
  }

  // Appended as root: a link planted at the log's path is not followed (Xen's `exec 2>>` would).
  private append(text: string): void {
    if (!this.fileUsable) return;
    try {
      appendNoFollow(this.hotplugLogPath, text, 0o644);
    } catch {
      // The directory is created only when missing (one syscall fewer per line otherwise); a log
      // that cannot be written must not turn a good run into a failure: syslog still gets it.
      try {
        mkdirSync(dirname(this.hotplugLogPath), { recursive: true, mode: 0o755 });
        appendNoFollow(this.hotplugLogPath, text, 0o644);
      } catch {
        this.fileUsable = false;
      }
    }
  }
}
