// /proc/drbd. DRBD 8.4 prints every minor's state there, so one read replaces three drbdadm
// processes (role, cstate, dstate); DRBD 9 prints only the version line.
import type { DiskState, Link, Role } from '../types';
import { DrbdParseError, parseDiskPair, parseLink, parseRolePair } from './states';

export interface DrbdVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

export interface ProcMinor {
  readonly minor: number;
  readonly connectionText: string;
  readonly link: Link;
  readonly role: Role;
  readonly peerRole: Role;
  readonly disk: DiskState;
  readonly peerDisk: DiskState;
}

export interface ProcDrbd {
  readonly version: DrbdVersion;
  /** Configured minors only; `cs:Unconfigured` lines are left out. */
  readonly minors: ReadonlyMap<number, ProcMinor>;
}

const VERSION_LINE = /^version: (\d+)\.(\d+)\.(\d+)/;
const MINOR_LINE = /^\s*(\d+): cs:(\S+)(.*)$/;

export function parseProcDrbd(text: string): ProcDrbd {
  const lines = text.split('\n');
  const v = VERSION_LINE.exec(lines[0] ?? '');
  if (v === null) throw new DrbdParseError(`/proc/drbd: no version line in '${lines[0] ?? ''}'`);
  const version = { major: Number(v[1]), minor: Number(v[2]), patch: Number(v[3]) };
  const minors = new Map<number, ProcMinor>();
  for (const line of lines.slice(1)) {
    const m = MINOR_LINE.exec(line);
    if (m === null) continue; // counters, sync progress bars, srcversion
    const [, num, cs, rest] = m as unknown as [string, string, string, string];
    if (cs === 'Unconfigured') continue;
    const fields = new Map(
      rest
        .trim()
        .split(/\s+/)
        .flatMap((f) => {
          const i = f.indexOf(':');
          return i > 0 ? [[f.slice(0, i), f.slice(i + 1)] as const] : [];
        }),
    );
    const ro = fields.get('ro');
    const ds = fields.get('ds');
    if (ro === undefined || ds === undefined) {
      throw new DrbdParseError(`/proc/drbd: minor ${num} lacks ro: or ds: in '${line.trim()}'`);
    }
    const roles = parseRolePair(ro);
    const disks = parseDiskPair(ds);
    minors.set(Number(num), {
      minor: Number(num),
      connectionText: cs,
      link: parseLink(cs),
      role: roles.local,
      peerRole: roles.peer,
      disk: disks.local,
      peerDisk: disks.peer,
    });
  }
  return { version, minors };
}
