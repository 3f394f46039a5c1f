// Builds the HostView: the I/O half of `xen-drbd status` and `reconcile`.
import type { BlockDevice } from '../drbd/device';
import type { LibvirtReading } from '../libvirt/domains';
import type { DrbdAdminPort, DrbdTarget } from '../drbd/drbd';
import { checkResourceName } from '../drbd/resource-name';
import type { ResourceName } from '../drbd/types';
import type { Ledger } from '../hotplug/ledger';
import type { Dom0Mount } from '../hotplug/sharing';
import type { LvmPort } from '../lvm/lvm';
import { VG_PREFIX } from '../drbdlvm-sr/layout';
import { listBackends } from '../xenstore/backends';
import type { XenstorePort } from '../xenstore/client';
import { libvirtUsers } from './libvirt-users';
import type { DiskUser, HostView, ResourceView } from './types';

export interface GatherPorts {
  readonly drbd: DrbdAdminPort;
  readonly xs: XenstorePort;
  readonly ledger: Ledger;
  readonly lvm: Pick<LvmPort, 'pv'>;
  mounts(): Dom0Mount[];
  /** Each libvirt connection of this host, read (none when no libvirt daemon runs). */
  libvirt(): Promise<readonly LibvirtReading[]>;
  /** A path's block device (links followed), undefined when it is none. */
  blockDevice(path: string): BlockDevice | undefined;
}

export interface GatheredHost {
  readonly view: HostView;
  /** How commands reach each resource that resolved: reconcile acts on it the same way. */
  readonly targets: ReadonlyMap<ResourceName, DrbdTarget>;
}

export async function gatherHost(p: GatherPorts): Promise<GatheredHost> {
  const backends = await listBackends(p.xs, 'backend', 'vbd');
  const users: DiskUser[] = [];
  let migrationInProgress = false;
  for (const b of backends) {
    if (b.physicalDevice === undefined) continue;
    const frontendId = /backend\/vbd\/(\d+)\//.exec(b.path)?.[1];
    const domain = frontendId === undefined ? undefined : await p.xs.read(`/local/domain/${frontendId}/name`);
    if (domain !== undefined && /--(incoming|migratedaway)$/.test(domain)) migrationInProgress = true;
    users.push({ kind: 'xen-backend', backend: b.path, device: b.physicalDevice, domain, online: b.online });
  }
  const viaLibvirt = libvirtUsers(await p.libvirt(), users, (path) => p.blockDevice(path));
  users.push(...viaLibvirt.users);
  const mounts = p.mounts();
  const resources: ResourceView[] = [];
  const targets = new Map<ResourceName, DrbdTarget>();
  for (const listed of await p.drbd.resources()) {
    const checked = checkResourceName(listed);
    if (!checked.ok) {
      // drbdadm would read it as more than one resource (`all`) or as a minor: never run a command on it.
      const error = `not a name xen-drbd can address: ${checked.rule}; rename the resource`;
      resources.push({
        name: listed,
        devices: [],
        error,
        twoPrimariesRunning: false,
        twoPrimariesConfigured: false,
        users: [],
        mountedInDom0: false,
      });
      continue;
    }
    const name = checked.name;
    const base = { name, record: p.ledger.read(name) };
    try {
      const { target, devices } = await p.drbd.resolve({ name });
      targets.set(name, target);
      const hexes = new Set(devices.map((d) => d.hex));
      const config = await p.drbd.config(name);
      const state = await p.drbd.state(name, devices);
      resources.push({
        ...base,
        devices,
        state,
        twoPrimariesRunning: await p.drbd.twoPrimariesRunning(target),
        twoPrimariesConfigured: config?.twoPrimaries ?? false,
        users: users.filter((u) => hexes.has(u.device)),
        mountedInDom0: mounts.some((m) => hexes.has(m.device)),
        // DRBD 8.4 refuses any open of a Secondary device, and only a Primary needs explaining.
        srVolumeGroup: state.role === 'Primary' ? await srVolumeGroupOn(p.lvm, devices) : undefined,
      });
    } catch (e) {
      resources.push({
        ...base,
        devices: [],
        error: (e as Error).message,
        twoPrimariesRunning: false,
        twoPrimariesConfigured: false,
        users: [],
        mountedInDom0: false,
      });
    }
  }
  return { view: { resources, migrationInProgress, libvirtRead: viaLibvirt.read, libvirtUnread: viaLibvirt.unread }, targets };
}

async function srVolumeGroupOn(lvm: Pick<LvmPort, 'pv'>, devices: readonly BlockDevice[]): Promise<string | undefined> {
  for (const d of devices) {
    try {
      const vg = (await lvm.pv(d.path))?.vgName;
      if (vg?.startsWith(VG_PREFIX)) return vg;
    } catch {
      // No lvm2 on this host, or it cannot read the device: not an SR as far as status can tell,
      // so the Primary is reported as unused (the cautious reading).
    }
  }
  return undefined;
}
