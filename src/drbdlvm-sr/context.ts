// What a handler gets besides the request: ports built on first use, xapi on the call's session,
// and the per-SR lock. main.ts builds the real ones; tests pass fakes.
import type { Uuid } from './layout';
import type { Ports, XapiPort } from './ports';
import type { SmRequest } from './request';
import type { HeldSrLock } from './sr-lock';

export interface HandlerContext {
  /** Built on first use: sr_get_driver_info must not touch DRBD, LVM or xapi. */
  ports(): Ports;
  /** xapi on the call's own session (docs/smapi.md §7: never cached across calls). */
  xapi(req: SmRequest): XapiPort;
  /** The per-SR lock between driver processes on this host (sr-lock.ts). */
  srLock(srUuid: Uuid): Promise<HeldSrLock>;
}
