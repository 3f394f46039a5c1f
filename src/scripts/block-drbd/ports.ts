// What the hotplug flows need from the host, passed in from main.ts so the flows are testable
// without one.
import type { DrbdPort } from '../../drbd/drbd';
import type { Deadline } from '../../exec/deadline';
import type { Ledger } from '../../hotplug/ledger';
import type { HeldLock } from '../../hotplug/lock';
import type { Log } from '../../log/buffered-syslog';
import type { Dom0Mount } from '../../hotplug/sharing';
import type { Policy } from '../../policy/policy';
import type { XenstorePort } from '../../xenstore/client';

export interface Ports {
  readonly xs: XenstorePort;
  readonly drbd: DrbdPort;
  readonly ledger: Ledger;
  readonly log: Log;
  readonly deadline: Deadline;
  readonly policy: Policy;
  /** Xen's `block` hotplug lock. */
  lock(): Promise<HeldLock>;
  mounts(): Dom0Mount[];
}

export type Outcome = { readonly ok: true } | { readonly ok: false; readonly status: 'error' | 'busy'; readonly message: string };

export const success: Outcome = { ok: true };
export const failed = (message: string, status: 'error' | 'busy' = 'error'): Outcome => ({ ok: false, status, message });

/** How long to sleep between looks at a resource that is settling or still held open. */
export const POLL_MS = 500;
