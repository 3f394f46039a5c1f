// The SR-wide activation lock: one SR sm-config key, taken with SR.add_to_sm_config (atomic: xapi
// fails MAP_DUPLICATE_KEY when it exists), whose value names the owner host and the time. Stock sm
// uses a value-less per-VDI `activating` key that leaks forever after a crash mid-activation
// (xapi-project/sm#803); ours names its owner, so sr_attach on that host (after its reboot) clears
// it, the next activation on that host takes it over (activations on one host run under the per-SR
// lock, so an entry of this host's is a killed process's), and a refusal tells the admin whose it is.
import type { StringMap } from './request';

export const LOCK_KEY = 'drbdlvm-activating';

export interface LockValue {
  readonly owner: string;
  /** ISO time of the claim; undefined when the value is not ours (hand-edited). */
  readonly since?: string;
}

export function lockValue(owner: string, now: Date): string {
  return `${owner}@${now.toISOString()}`;
}

export function parseLockValue(v: string): LockValue {
  const at = v.lastIndexOf('@');
  if (at <= 0) return { owner: v };
  return { owner: v.slice(0, at), since: v.slice(at + 1) };
}

/** The refusal text for a lock another host holds. */
export function describeHeldLock(v: string, hostName: (ref: string) => string, now: Date): string {
  const { owner, since } = parseLockValue(v);
  const age = since === undefined ? undefined : Math.round((now.getTime() - Date.parse(since)) / 1000);
  const when = age === undefined || Number.isNaN(age) ? '' : ` for ${age} s`;
  return (
    `the SR activation lock (sm-config:${LOCK_KEY}) is held by host ${hostName(owner)}${when}; retry when it finishes; ` +
    `if that host crashed, plugging its PBD again (host boot or 'xe pbd-plug') clears its lock`
  );
}

/** Whether the lock entry is this host's own. */
export function ownedBy(v: string, me: string): boolean {
  return parseLockValue(v).owner === me;
}

/** sr_attach on `me`: the lock to drop if this host left it behind (it cannot be mid-activation). */
export function staleOwnLock(srSmConfig: StringMap, me: string): boolean {
  const v = srSmConfig[LOCK_KEY];
  return v !== undefined && ownedBy(v, me);
}
