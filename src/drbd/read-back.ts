// Act, then observe (as Ganeti does with DRBD): an exit code 0 says DRBD accepted a command, not
// that the state changed. Every role change and every dual-primary switch is read back, and a state
// that is not the one asked for is a failure saying what was asked and what was seen.
import type { BlockDevice } from './device';
import { DrbdError, DrbdNotApplied, type DrbdPort, type DrbdTarget } from './drbd';
import type { ResourceState, Role } from './types';

/** `accepted`: DRBD took the command (exit 0), so the role may have changed whatever the read says. */
export type RoleChange =
  { readonly ok: true; readonly state: ResourceState } | { readonly ok: false; readonly accepted: boolean; readonly error: DrbdError };

/**
 * Promotes or demotes the target, then reads the state of `devices` (the volumes the caller decided on)
 * and requires each of them in the role asked for. A read that fails is a failure too: never throws
 * a DrbdError, so an undo can go on to its next step.
 */
export async function changeRole(
  drbd: Pick<DrbdPort, 'promote' | 'demote' | 'state'>,
  target: DrbdTarget,
  devices: readonly BlockDevice[],
  want: 'Primary' | 'Secondary',
): Promise<RoleChange> {
  const r = want === 'Primary' ? await drbd.promote(target) : await drbd.demote(target);
  if (!r.ok) return { ok: false, accepted: false, error: r.error };
  let state: ResourceState;
  try {
    state = await drbd.state(target.name, devices);
  } catch (e) {
    if (e instanceof DrbdError) return { ok: false, accepted: true, error: e };
    throw e;
  }
  const seen = rolesOf(state);
  if (seen.every((role) => role === want)) return { ok: true, state };
  return { ok: false, accepted: true, error: new DrbdNotApplied(want, describeRoles(state, seen), r.argv) };
}

/**
 * Switches allow-two-primaries at run time, then reads the running configuration back (same
 * contract). `peer` (DRBD 9) limits it to the connection to that host; without it, every connection.
 */
export async function switchTwoPrimaries(
  drbd: Pick<DrbdPort, 'setTwoPrimaries' | 'twoPrimariesRunning'>,
  target: DrbdTarget,
  on: boolean,
  peer?: string,
): Promise<{ readonly ok: true } | { readonly ok: false; readonly error: DrbdError }> {
  const r = await drbd.setTwoPrimaries(target, on, peer);
  if (!r.ok) return r;
  let running: boolean;
  try {
    running = await drbd.twoPrimariesRunning(target);
  } catch (e) {
    if (e instanceof DrbdError) return { ok: false, error: e };
    throw e;
  }
  if (running === on) return { ok: true };
  const word = (b: boolean) => (b ? 'yes' : 'no');
  return { ok: false, error: new DrbdNotApplied(`allow-two-primaries ${word(on)}`, word(running), r.argv) };
}

// 8.4 reports a role per minor: every volume must have changed, not only the first.
function rolesOf(s: ResourceState): Role[] {
  const perVolume = s.volumes.map((v) => v.role);
  return perVolume.length > 0 && perVolume.every((r) => r !== undefined) ? (perVolume as Role[]) : [s.role];
}

function describeRoles(s: ResourceState, seen: readonly Role[]): string {
  return new Set(seen).size === 1 ? (seen[0] as string) : s.volumes.map((v) => `${v.role ?? s.role} on minor ${v.minor}`).join(', ');
}
