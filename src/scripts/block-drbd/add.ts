// `block-drbd add`: read the backend, take the resource's Primary role (the shared core,
// src/primary/acquire.ts), then check sharing and hand the device to blkback, all under Xen's block
// lock. Any failure leaves the resource in the role it had.
import { DrbdError } from '../../drbd/drbd';
import type { BlockDevice } from '../../drbd/device';
import { parseTarget } from '../../drbd/target';
import { formatRef } from '../../drbd/types';
import { findSharingConflict } from '../../hotplug/sharing';
import { acquire, type HandOver } from '../../primary/acquire';
import { failed, success, type Outcome } from '../../primary/ports';
import { listBackends, readFrontend, sameBackend } from '../../xenstore/backends';
import { XenstoreError, XenstoreUnavailable } from '../../xenstore/client';
import type { HotplugRequest } from './contract';
import type { Ports } from './ports';

export async function runAdd(req: HotplugRequest, p: Ports): Promise<Outcome> {
  const be = req.backendPath;
  if ((await p.xs.read(`${be}/physical-device`)) !== undefined) {
    p.log.log('debug', `${be}: physical-device already written; nothing to do`);
    return success; // libxl may run add twice
  }
  const params = await p.xs.read(`${be}/params`);
  if (params === undefined) return failed(`${be}: the backend has no 'params' key naming the DRBD resource`);
  const parsed = parseTarget(params);
  if (!parsed.ok) return failed(parsed.error);
  const ref = parsed.ref;
  const mode = (await p.xs.read(`${be}/mode`)) ?? 'w';
  const frontend = await readFrontend(p.xs, be);
  let resolved;
  try {
    const { target, devices: named } = await p.drbd.resolve(ref);
    if (ref.volume === undefined && named.length > 1) {
      return failed(
        `${ref.name} has ${named.length} volumes (${named.map((d) => d.path).join(', ')}); ` +
          `name one per disk as ${ref.name}/VOLUME, e.g. 'drbd:${ref.name}/0'`,
      );
    }
    const allDevices = ref.volume === undefined ? named : (await p.drbd.resolve({ name: ref.name }, target)).devices;
    resolved = { target, device: named[0] as BlockDevice, allDevices };
  } catch (e) {
    if (e instanceof DrbdError) return failed(e.message);
    throw e;
  }
  const { device } = resolved;
  const res = formatRef(ref);

  // blkback gets the device only where no other domain (or dom0) would share it unsafely.
  const handOver: HandOver = async () => {
    try {
      const others = (await listBackends(p.xs, req.basePath, req.deviceType)).filter((o) => !sameBackend(o.path, be));
      const conflict = findSharingConflict({ device: device.hex, path: device.path, mode, vm: frontend.vm }, others, p.mounts());
      if (conflict !== undefined) return { ok: false, status: 'busy', message: () => `${res}: ${conflict.message}` };
      await p.xs.write(`${be}/physical-device`, device.hex);
      await p.xs.write(`${be}/physical-device-path`, device.path);
      await p.xs.write(`${be}/hotplug-status`, 'connected');
    } catch (e) {
      // xenstore failed half-way: take back what blkback could act on (the core takes the promotion back).
      await p.xs.rm(`${be}/physical-device`).catch(() => undefined);
      if (!(e instanceof XenstoreError || e instanceof XenstoreUnavailable)) throw e;
      const message = e.message;
      return { ok: false, status: 'error', message: (role) => `${res}: ${message}; ${role}` };
    }
    return { ok: true, given: `${device.path} (${device.hex}) given to ${frontend.name ?? 'the domain'} via ${be}` };
  };
  return acquire(
    {
      ref,
      target: resolved.target,
      allDevices: resolved.allDevices,
      holder: be,
      incomingMigration: frontend.name?.endsWith('--incoming') ?? false,
    },
    p,
    handOver,
  );
}
