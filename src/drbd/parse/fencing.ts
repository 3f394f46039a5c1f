// What DRBD waits for before it promotes a resource whose peer is unreachable: with fencing on, it
// runs the fence-peer handler inside the promotion and promotes only once the handler returns.
// Read from `drbdadm dump RES` (fencing sits in the disk section on 8.4, in net on DRBD 9).

export interface Fencing {
  /** resource-only, resource-and-stonith (dont-care never runs the handler). */
  readonly policy: string;
  /** The handler's command line as configured. */
  readonly handler: string;
}

/** The resource's fencing and fence-peer handler, when DRBD would run one before promoting. */
export function fencingOf(dump: string): Fencing | undefined {
  const policy = /^\s*fencing\s+([\w-]+)\s*;/m.exec(dump)?.[1];
  const handler = /^\s*fence-peer\s+("(?:[^"\\]|\\.)*"|[^\s;]+)\s*;/m.exec(dump)?.[1];
  if (policy === undefined || policy === 'dont-care' || handler === undefined) return undefined;
  return { policy, handler: handler.startsWith('"') ? handler.slice(1, -1).replace(/\\(.)/g, '$1') : handler };
}
