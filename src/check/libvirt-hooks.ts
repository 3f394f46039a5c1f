// The I/O side of XD209: what of xen-drbd's libvirt hook is installed under a root, and (on the
// running host only) when the libvirt daemons started. libvirt looks for hooks when its daemon
// starts: a hook installed later is not run until the daemon restarts.
import { accessSync, constants, lstatSync, readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { LIBVIRT_HOOKS } from '../install/plan';
import type { LibvirtHook, LibvirtObserved } from './inputs';

/** The daemons that run domain hooks: the monolithic one and the modular ones for our drivers. */
const DAEMONS: ReadonlySet<string> = new Set(['libvirtd', 'virtxend', 'virtqemud']);
// Linux's USER_HZ, the unit of /proc/PID/stat's start time: 100 on every architecture Xen runs on.
const TICKS_PER_S = 100;

/** `procDir`: the host's /proc when `root` is the running host's; another root's daemons are not there. */
export function observeLibvirt(root: string, procDir: string | undefined): LibvirtObserved | undefined {
  if (!isDir(join(root, '/etc/libvirt'))) return undefined;
  return { hooks: LIBVIRT_HOOKS.map((path) => observeHook(root, path)), daemons: procDir === undefined ? [] : runningDaemons(procDir) };
}

function observeHook(root: string, path: string): LibvirtHook {
  let st;
  try {
    st = lstatSync(join(root, path));
  } catch {
    return { path, state: 'absent' };
  }
  // The link's target as seen under the root, not the running host's file of that name.
  const target = st.isSymbolicLink() ? readlinkSync(join(root, path)) : path;
  const file = join(root, isAbsolute(target) ? target : resolve('/', path, '..', target));
  try {
    accessSync(file, constants.X_OK);
    if (!statSync(file).isFile()) throw new Error('not a file');
  } catch {
    return { path, state: 'not-executable', target, changedMs: st.ctimeMs };
  }
  return { path, state: 'installed', target, changedMs: st.ctimeMs };
}

function runningDaemons(procDir: string): LibvirtObserved['daemons'] {
  let bootS: number;
  try {
    bootS = Number(/^btime (\d+)$/m.exec(readFileSync(join(procDir, 'stat'), 'utf8'))?.[1]);
  } catch {
    return [];
  }
  if (!Number.isFinite(bootS)) return [];
  return readdirSync(procDir)
    .filter((pid) => /^\d+$/.test(pid))
    .flatMap((pid) => {
      try {
        const stat = readFileSync(join(procDir, pid, 'stat'), 'utf8');
        // comm is in parentheses and may hold spaces; the fields after it are space-separated.
        const close = stat.lastIndexOf(')');
        const name = stat.slice(stat.indexOf('(') + 1, close);
        if (!DAEMONS.has(name)) return [];
        const startTicks = Number(stat.slice(close + 2).split(' ')[19]);
        return [{ name, pid: Number(pid), startedMs: (bootS + startTicks / TICKS_PER_S) * 1000 }];
      } catch {
        return []; // gone meanwhile
      }
    });
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
