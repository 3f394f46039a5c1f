// What taking and giving back a resource's Primary role needs from the host, whichever front door
// asks (block-drbd for libxl, the libvirt hook): passed in, so the flows are testable without one.
import type { DrbdPort } from '../drbd/drbd';
import type { Deadline } from '../exec/deadline';
import type { Ledger } from '../hotplug/ledger';
import type { HeldLock } from '../hotplug/lock';
import type { Log } from '../log/buffered-syslog';
import type { Policy } from '../policy/policy';

export interface PrimaryPorts {
  readonly drbd: DrbdPort;
  readonly ledger: Ledger;
  readonly log: Log;
  readonly deadline: Deadline;
  readonly policy: Policy;
  /** Xen's `block` hotplug lock: every front door's role changes exclude each other and Xen's scripts. */
  lock(): Promise<HeldLock>;
}

export type Outcome = { readonly ok: true } | { readonly ok: false; readonly status: 'error' | 'busy'; readonly message: string };

export const success: Outcome = { ok: true };
export const failed = (message: string, status: 'error' | 'busy' = 'error'): Outcome => ({ ok: false, status, message });

/** How long to sleep between looks at a resource that is settling or still held open. */
export const POLL_MS = 500;
