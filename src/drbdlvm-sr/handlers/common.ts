// What every SR and VDI command starts from: the checked request, the DRBD device and its state,
// and the refusals they share. Thin: decisions live in guard-rails.ts, drbd-health.ts, lvm-plan.ts.
import type { BlockDevice } from '../../drbd/device';
import type { Argv } from '../../exec/run';
import { LvmError } from '../../lvm/lvm';
import { DrbdError, type DrbdTarget } from '../../drbd/drbd';
import { changeRole } from '../../drbd/read-back';
import { formatRef, type ResourceState } from '../../drbd/types';
import { parseDeviceConfig, type SrConfig } from '../device-config';
import type { Health } from '../drbd-health';
import { srError, type SrErrorName } from '../errors';
import { parseUuid, vgName, type Uuid } from '../layout';
import type { Ports, XapiPort } from '../ports';
import type { SmRequest } from '../request';

/** A VDI record's sm-config: a raw LV, as LVHD marks its raw VDIs (docs/smapi.md §12). */
export const RAW_SM_CONFIG = { vdi_type: 'aio' } as const;

export interface SrCall {
  readonly cfg: SrConfig;
  readonly srUuid: Uuid;
  readonly srRef: string;
  /** The host running this call. */
  readonly host: string;
}

export interface VdiCall extends SrCall {
  readonly vdiUuid: Uuid;
  readonly vdiRef: string;
}

export function srCall(req: SmRequest): SrCall {
  const cfg = parseDeviceConfig(req.deviceConfig);
  const srUuid = parseUuid(req.srUuid ?? '', 'sr_uuid');
  if (req.srRef === undefined) throw srError('BadRequest', `${req.command} needs sr_ref`);
  return { cfg, srUuid, srRef: req.srRef, host: req.hostRef };
}

/** VDI.location is the VDI uuid (layout.ts); a location that says otherwise is not one of ours. */
export function vdiCall(req: SmRequest): VdiCall {
  const sr = srCall(req);
  const vdiUuid = parseUuid(req.vdiUuid ?? '', 'vdi_uuid');
  if (req.vdiLocation !== vdiUuid)
    throw srError('VDIMissing', `VDI ${vdiUuid} has location '${req.vdiLocation ?? ''}', not its uuid: it was not made by drbdlvm`);
  if (req.vdiRef === undefined) throw srError('BadRequest', `${req.command} needs vdi_ref`);
  return { ...sr, vdiUuid, vdiRef: req.vdiRef };
}

/** The host's name for messages; its ref when xapi cannot tell (a message must not fail the call). */
export async function hostLabel(xapi: XapiPort, ref: string): Promise<string> {
  try {
    return await xapi.hostName(ref);
  } catch {
    return ref;
  }
}

export interface Observed {
  readonly device: BlockDevice;
  readonly state: ResourceState;
  /** How commands reach the resource, as this look found it. */
  readonly target: DrbdTarget;
}

/**
 * The SR's DRBD device on this host and its state. A host without the resource (xapi makes a PBD on
 * every pool host, docs/smapi.md §9) fails here, fast, naming the host. `earlier`: this call's look
 * before, whose way to the resource holds where it saw the resource running.
 */
export async function observeDrbd(ports: Ports, cfg: SrConfig, hostName: () => Promise<string>, earlier?: Observed): Promise<Observed> {
  const ref = formatRef(cfg.resource);
  try {
    const { target, devices } = await ports.drbd.resolve(cfg.resource, earlier?.target);
    const [device, ...more] = devices;
    if (device === undefined) throw new DrbdError(`'${ref}' has no device`, 'other');
    if (more.length > 0)
      throw srError('ConfigDeviceInvalid', `'${cfg.resource.name}' has ${devices.length} volumes; name one with device-config:volume`);
    const state = await ports.drbd.state(cfg.resource.name, [device]);
    return { device, state, target };
  } catch (e) {
    if (!(e instanceof DrbdError)) throw e;
    throw srError(
      'DrbdResourceMissing',
      `host ${await hostName()}: ${e.message.replace(/\.$/, '')}. A drbdlvm SR lives on the two hosts of its DRBD resource; on any other pool host its PBD cannot be plugged (leave it unplugged)`,
    );
  }
}

export function requireHealth(h: Health): void {
  if (!h.ok) throw srError(h.error, h.reason);
}

/** Dual-primary: every host that runs VMs of the SR is Primary. Idempotent; read back. */
export async function ensurePrimary(ports: Ports, seen: Observed, host: string): Promise<void> {
  const { state } = seen;
  if (state.role === 'Primary') return;
  const r = await changeRole(ports.drbd, seen.target, [seen.device], 'Primary');
  if (r.ok) return;
  const hint =
    r.error.kind === 'two-primaries'
      ? `the peer is Primary and '${state.name}' does not allow two primaries: set 'allow-two-primaries yes;' in its net section and run 'drbdadm adjust ${state.name}' on both hosts`
      : `see 'drbdadm status ${state.name}' on both hosts`;
  throw srError('DrbdPromoteFailed', `host ${host}: ${r.error.message}; ${hint}`);
}

/** A host the SR no longer uses goes back to Secondary, so it cannot write. Idempotent; read back. */
export async function ensureSecondary(ports: Ports, seen: Observed, host: string): Promise<void> {
  const { state } = seen;
  if (state.role !== 'Primary') return;
  const r = await changeRole(ports.drbd, seen.target, [seen.device], 'Secondary');
  if (r.ok) return;
  const fix =
    r.error.kind === 'held-open'
      ? `something on host ${host} still has the device open ('drbdadm status ${state.name}', 'fuser -vm' on the device)`
      : `see 'drbdadm status ${state.name}'`;
  throw srError('DrbdDemoteFailed', `host ${host}: ${r.error.message}; ${fix}`);
}

/** The SR's VG as this host sees it; its absence is a failure that says where to look. */
export async function requireVg(ports: Ports, srUuid: Uuid, device: BlockDevice, host: string) {
  const vg = await ports.lvm.vg(vgName(srUuid));
  if (vg === undefined) {
    throw srError(
      'VgMissing',
      `host ${host}: ${vgName(srUuid)} is not visible on ${device.path}; check that the LVM filter accepts ${device.path} (and rejects the DRBD backing disk) in /etc/lvm/lvm.conf, and that 'pvs ${device.path}' shows it`,
    );
  }
  return vg;
}

/** Runs a plan's lvm2 steps in order; a failing step becomes `fault`, with lvm's own words. */
export async function runPlan(ports: Ports, plan: readonly Argv[], fault: SrErrorName, host: string): Promise<void> {
  for (const argv of plan) {
    try {
      await ports.lvm.exec(argv);
    } catch (e) {
      if (e instanceof LvmError) throw srError(fault, `host ${host}: ${e.message}`);
      throw e;
    }
  }
}
