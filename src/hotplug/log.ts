// Where a hotplug script's words go: syslog (daemon facility, tagged with the script name, like
// logging.sh) and /var/log/xen/xen-hotplug.log (where xen-hotplug-common.sh sends stderr).
// Lines are collected and written once at the end: one logger process per run, not one per line.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Runner } from '../exec/run';

export type Level = 'debug' | 'info' | 'notice' | 'warning' | 'err';
const SEVERITY: Record<Level, number> = { debug: 0, info: 1, notice: 2, warning: 3, err: 4 };

export interface Log {
  log(level: Level, message: string): void;
}

export interface LogSinks {
  readonly tag: string;
  readonly hotplugLogPath: string;
  readonly run: Runner;
  /** The least severe level sent to syslog; xen-hotplug.log gets every line. */
  readonly syslogLevel: Level;
}

export class CollectingLog implements Log {
  readonly lines: Array<{ level: Level; message: string }> = [];

  log(level: Level, message: string): void {
    this.lines.push({ level, message });
  }

  async flush(sinks: LogSinks): Promise<void> {
    if (this.lines.length === 0) return;
    const stamp = new Date().toISOString();
    const text = this.lines.map((l) => `${stamp} ${sinks.tag}[${process.pid}]: ${l.level}: ${l.message}\n`).join('');
    try {
      mkdirSync(dirname(sinks.hotplugLogPath), { recursive: true });
      appendFileSync(sinks.hotplugLogPath, text);
    } catch {
      // A missing log dir must not turn a good run into a failure; syslog still gets it.
    }
    // syslog: one logger call per level present, each message a line on its stdin.
    const levels = [...new Set(this.lines.map((l) => l.level))].filter((l) => SEVERITY[l] >= SEVERITY[sinks.syslogLevel]);
    for (const level of levels) {
      const body = this.lines.filter((l) => l.level === level).map((l) => l.message.replace(/\n/g, ' ')).join('\n');
      await sinks.run(['logger', '-p', `daemon.${level}`, '-t', sinks.tag], { timeoutMs: 2000, stdin: `${body}\n` });
    }
  }
}
