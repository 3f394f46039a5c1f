// What is unsafe on this host, and what reconcile would do about it. Pure.
import { checkResourceName } from '../drbd/resource-name';
import { lacksQuorum, type ResourceName } from '../drbd/types';
import { driverOf } from '../libvirt/connections';
import { hookHolderParts, isHookHolder } from '../libvirt/hook-call';
import type { DiskUser, HostView, LibvirtUnread, ResourceView } from './types';

export type FindingCode =
  | 'primary-unused' // Primary here, no domain uses it: blocks every takeover on the peer
  | 'both-primary' // both sides Primary outside a migration: two writers possible
  | 'dual-primary-left-on' // allow-two-primaries switched on at run time and never off
  | 'standalone' // not replicating (split-brain or disconnected)
  | 'no-quorum' // DRBD 9 quorum lost here: no promotion, and a Primary's I/O fails or hangs
  | 'used-while-secondary' // a domain's disk on a resource that is not Primary here
  | 'unreadable' // DRBD could not be read for this resource
  | 'ledger-record'; // the promotion record is not one block-drbd wrote

export interface Finding {
  readonly resource: string;
  readonly code: FindingCode;
  readonly message: string;
}

export function assessHost(view: HostView): Finding[] {
  return view.resources.flatMap((r) => assessResource(r, view.migrationInProgress));
}

function assessResource(r: ResourceView, migrating: boolean): Finding[] {
  const f = (code: FindingCode, message: string): Finding => ({ resource: r.name, code, message: `${r.name}: ${message}` });
  const record = r.record?.problem === undefined ? [] : [f('ledger-record', r.record.problem)];
  if (r.state === undefined) return [f('unreadable', r.error ?? 'state unknown'), ...record];
  const s = r.state;
  const out: Finding[] = [];
  const inUse = r.users.some((u) => u.online);
  // A drbdlvm SR is Primary on both hosts whether or not a VM runs: its guard rails, not the
  // roles, keep the VMs on one host. Reconcile must never demote it either.
  const sr = r.srVolumeGroup !== undefined;
  if (s.role === 'Primary' && !inUse && !r.mountedInDom0 && !sr) {
    const by =
      r.record === undefined
        ? 'not recorded as promoted by block-drbd'
        : r.record.problem !== undefined
          ? 'recorded as promoted by block-drbd, but the record is unreadable'
          : `promoted by ${promoter(r.record.backend)} at ${r.record.at}`;
    out.push(f('primary-unused', `Primary but no domain uses it (${by}); the peer cannot take over until it is demoted`));
  }
  if (s.role === 'Primary' && s.peerRole === 'Primary' && !migrating && !sr) {
    out.push(f('both-primary', 'Primary on both hosts with no migration in progress: two writers are possible'));
  }
  if (r.twoPrimariesRunning && !r.twoPrimariesConfigured && !migrating) {
    out.push(f('dual-primary-left-on', 'allow-two-primaries is on at run time but not in the config, and no migration is in progress'));
  }
  if (s.link === 'StandAlone') out.push(f('standalone', 'StandAlone: not replicating (split-brain, or disconnected by hand)'));
  if (lacksQuorum(s)) {
    const what = s.role === 'Primary' ? "its domain's I/O fails or hangs (on-no-quorum)" : 'nothing can be started here';
    out.push(f('no-quorum', `no DRBD quorum on this host (${s.connectionText}): ${what} until it sees a majority of the nodes`));
  }
  if (inUse && s.role !== 'Primary') out.push(f('used-while-secondary', `used by ${r.users.map(userName).join(', ')} but ${s.role} here`));
  return [...out, ...record];
}

export type ReconcileAction =
  | { readonly kind: 'demote'; readonly resource: ResourceName; readonly why: string }
  | { readonly kind: 'single-primary'; readonly resource: ResourceName; readonly why: string }
  /** A demotion reconcile will not make: someone it cannot see may use the resource. */
  | { readonly kind: 'keep'; readonly resource: ResourceName; readonly why: string };

/**
 * Demote what block-drbd promoted and nothing uses (libxl skips `remove` when a backend never
 * reaches Closed); switch off a runtime dual-primary left behind. Resources Primary without a
 * record were promoted by someone else: only with `includeUnrecorded`.
 */
export function planReconcile(view: HostView, findings: readonly Finding[], includeUnrecorded: boolean): ReconcileAction[] {
  const actions: ReconcileAction[] = [];
  for (const finding of findings) {
    const r = view.resources.find((x) => x.name === finding.resource);
    if (r === undefined) continue;
    // Only a name that is one resource to drbdadm is acted on (gather reads no other).
    const checked = checkResourceName(r.name);
    if (!checked.ok) continue;
    if (finding.code === 'primary-unused' && (r.record !== undefined || includeUnrecorded)) {
      // block-drbd's backends are all in xenstore; a libvirt domain is seen only if libvirt was read.
      const blind = view.libvirtUnread.length > 0 && (r.record === undefined || isHookHolder(r.record.backend));
      actions.push(
        blind
          ? {
              kind: 'keep',
              resource: checked.name,
              why: `${finding.message}; but ${view.libvirtUnread.map(unreadClause).join('; ')}, and a libvirt domain may use it`,
            }
          : { kind: 'demote', resource: checked.name, why: finding.message },
      );
    }
    if (finding.code === 'dual-primary-left-on') actions.push({ kind: 'single-primary', resource: checked.name, why: finding.message });
  }
  return actions;
}

/** Who a record says promoted: block-drbd for a backend, or the libvirt hook for a domain. */
function promoter(holder: string): string {
  const hook = hookHolderParts(holder);
  return hook === undefined ? `block-drbd for ${holder}` : `the libvirt hook for ${hook.driver} domain ${hook.domain}`;
}

/** A user as a message names it. */
export function userName(u: DiskUser): string {
  return u.kind === 'xen-backend' ? (u.domain ?? u.backend) : `${u.domain} (libvirt ${driverOf(u.uri)})`;
}

/** Why one libvirt connection's domains are missing from the view, in one clause. */
export function unreadClause(u: LibvirtUnread): string {
  return `libvirt's ${u.uri} could not be read (${u.why})`;
}
