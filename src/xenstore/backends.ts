// The block backends of this domain (`backend/vbd/<domid>/<devid>`) and what the sharing check and
// the demote reference count need to know of each.
import type { XenstorePort } from './client';

export interface BlockBackend {
  readonly path: string;
  /** Hex `major:minor` as written by its hotplug script; undefined while it has none. */
  readonly physicalDevice?: string;
  readonly mode: string;
  /** The frontend's `/local/domain/<id>/vm`, to recognise the same VM (localhost migration). */
  readonly vm?: string;
  /** libxl writes `online`=0 when it starts taking the device away. */
  readonly online: boolean;
}

export async function listBackends(xs: XenstorePort, basePath: string, type: string): Promise<BlockBackend[]> {
  const root = `${basePath}/${type}`;
  const out: BlockBackend[] = [];
  for (const domid of await xs.list(root)) {
    for (const devid of await xs.list(`${root}/${domid}`)) {
      const path = `${root}/${domid}/${devid}`;
      const [physicalDevice, mode, frontendId, online] = await Promise.all([
        xs.read(`${path}/physical-device`),
        xs.read(`${path}/mode`),
        xs.read(`${path}/frontend-id`),
        xs.read(`${path}/online`),
      ]);
      const vm = frontendId === undefined ? undefined : await xs.read(`/local/domain/${frontendId}/vm`);
      out.push({ path, physicalDevice, mode: mode ?? 'r', vm, online: online !== '0' });
    }
  }
  return out;
}

/** Two spellings of one backend: libxl passes it relative, a listing may build it absolute. */
export function sameBackend(a: string, b: string): boolean {
  const strip = (p: string) => p.replace(/^\/local\/domain\/\d+\//, '');
  return strip(a) === strip(b);
}

export interface Frontend {
  readonly id?: string;
  readonly name?: string;
  readonly vm?: string;
}

export async function readFrontend(xs: XenstorePort, backendPath: string): Promise<Frontend> {
  const id = await xs.read(`${backendPath}/frontend-id`);
  if (id === undefined) return {};
  const [name, vm] = await Promise.all([xs.read(`/local/domain/${id}/name`), xs.read(`/local/domain/${id}/vm`)]);
  return { id, name, vm };
}
