// argv builders and the one parser for blktap's tap-ctl (xapi-project/blktap control/tap-ctl.c).
// They run nothing. `create` = allocate + spawn + attach + open in one step and prints the new
// device (/dev/xen/blktap-2/tapdevN); `list` without a tty prints one `key=value` line per tapdisk.
import type { Argv } from '../../exec/run';

export interface TapEntry {
  readonly pid: number;
  readonly minor: number;
  /** `aio`, `vhd`, ...; undefined for an allocated minor with nothing open. */
  readonly type?: string;
  readonly path?: string;
}

export const tapArgv = {
  /** Raw LV through tapdisk's aio driver; -R opens it read-only. */
  create: (lvPath: string, writable: boolean): Argv => ['tap-ctl', 'create', '-a', `aio:${lvPath}`, ...(writable ? [] : ['-R'])],
  /** Only the tapdisks that have this file open. */
  list: (lvPath: string): Argv => ['tap-ctl', 'list', '-f', lvPath],
  /** close + detach + free: the minor and the tapdisk process go. */
  destroy: (e: { pid: number; minor: number }): Argv => ['tap-ctl', 'destroy', '-p', String(e.pid), '-m', String(e.minor)],
};

/** `pid=123 minor=0 state=0 args=aio:/dev/VG/LV` lines (tap_cli_list_dict). Unknown keys are ignored. */
export function parseTapList(text: string): TapEntry[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => {
      const kv = new Map<string, string>();
      for (const m of line.matchAll(/(\w+)=(\S+)/g)) kv.set(m[1] as string, m[2] as string);
      const pid = Number(kv.get('pid'));
      const minor = Number(kv.get('minor'));
      if (!Number.isInteger(pid) || !Number.isInteger(minor))
        throw new Error(`tap-ctl list printed a line without pid and minor: '${line}'`);
      const args = kv.get('args');
      const colon = args === undefined ? -1 : args.indexOf(':');
      return args === undefined || colon < 0 ? { pid, minor } : { pid, minor, type: args.slice(0, colon), path: args.slice(colon + 1) };
    });
}

/** `tap-ctl create`'s stdout: the device path on the last non-empty line. */
export function parseCreated(stdout: string): string | undefined {
  const last = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .pop();
  return last !== undefined && /^\/dev\/\S+$/.test(last) ? last : undefined;
}
