// Everything the checks look at, gathered once by gather.ts; every rule is a pure function of it.
import type { BootObserved, TextFile } from '../boot-order/observed';
import type { DrbdConfigDump } from '../drbd/parse/dump-xml';
import type { PolicyResult } from '../policy/policy';
import type { Domain } from './domain';
import type { Finding } from './findings';

export type { TextFile };

export interface CheckInputs {
  /** `uname -n`: the name DRBD matches against `on` sections. */
  readonly hostname: string;
  readonly domains: readonly Domain[];
  readonly drbd: { readonly ok: true; readonly dump: DrbdConfigDump } | { readonly ok: false; readonly error: string };
  readonly policy: { readonly path: string; readonly result: PolicyResult };
  readonly lvmConf: TextFile | undefined;
  /** /etc/modprobe.d/*.conf */
  readonly modprobe: readonly TextFile[];
  /** crontabs, cron.d and cron.{hourly,daily,weekly,monthly}, and services started by enabled timers. */
  readonly schedules: readonly TextFile[];
  readonly boot: BootObserved;
  /** /etc/xen/scripts/block-drbd */
  readonly blockDrbdScript: TextFile | undefined;
  /** /etc/default/xendomains */
  readonly xendomainsDefault: TextFile | undefined;
  /** libvirt's side, when /etc/libvirt exists: xen-drbd's hooks and the daemons that run them. */
  readonly libvirt: LibvirtObserved | undefined;
  /** --peer-auto-list: the domains the peer starts at boot. */
  readonly peerAutoList:
    { readonly path: string; readonly entries: readonly string[] } | { readonly path: string; readonly error: string } | undefined;
}

export type LibvirtHook =
  | { readonly path: string; readonly state: 'absent' }
  | {
      readonly path: string;
      readonly state: 'installed' | 'not-executable';
      /** The symlink's target (the path itself for a file). */
      readonly target: string;
      /** When the hook's own entry last changed (ctime, ms since the epoch). */
      readonly changedMs: number;
    };

export interface LibvirtObserved {
  readonly hooks: readonly LibvirtHook[];
  /** Running libvirtd, virtxend, virtqemud; start times in ms since the epoch. */
  readonly daemons: readonly { readonly name: string; readonly pid: number; readonly startedMs: number }[];
}

export type Rule = (inputs: CheckInputs) => Finding[];
