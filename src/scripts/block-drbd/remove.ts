// `block-drbd remove`: read the backend, then give the Primary role back (the shared core,
// src/primary/release.ts) once no other backend or dom0 mount on this host uses the resource.
import { parseTarget } from '../../drbd/target';
import { failed, success, type Outcome } from '../../primary/ports';
import { release } from '../../primary/release';
import { listBackends, readFrontend, sameBackend } from '../../xenstore/backends';
import type { HotplugRequest } from './contract';
import type { Ports } from './ports';

export async function runRemove(req: HotplugRequest, p: Ports): Promise<Outcome> {
  const be = req.backendPath;
  const params = await p.xs.read(`${be}/params`);
  if (params === undefined) {
    p.log.log('info', `${be}: no params (backend already gone); nothing to demote`);
    return success;
  }
  const parsed = parseTarget(params);
  if (!parsed.ok) return failed(parsed.error);
  const frontend = await readFrontend(p.xs, be);
  return release(
    {
      name: parsed.ref.name,
      leaving: `${be} removed`,
      migratedAway: frontend.name?.endsWith('--migratedaway') ?? false,
      otherUse: async (mine) => {
        // Backends libxl is already taking away (online=0: the same domain's other disks, removed
        // in parallel) are no longer users; counting them would leave the resource Primary.
        const users = (await listBackends(p.xs, req.basePath, req.deviceType)).filter(
          (o) => !sameBackend(o.path, be) && o.online && o.physicalDevice !== undefined && mine.has(o.physicalDevice),
        );
        if (users.length > 0) return { level: 'info', message: `still used by ${users.map((u) => u.path).join(', ')}` };
        if (p.mounts().some((m) => mine.has(m.device))) return { level: 'warning', message: 'a volume is mounted in dom0' };
        return undefined;
      },
    },
    p,
  );
}
