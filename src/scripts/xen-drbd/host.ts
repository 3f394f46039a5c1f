// The real host behind the admin commands: xenstored, DRBD, the promotion ledger, dom0 mounts.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { statBlockDevice } from '../../drbd/device';
import { Drbd } from '../../drbd/drbd';
import { Deadline } from '../../exec/deadline';
import { runCommand } from '../../exec/run';
import { FileLedger } from '../../hotplug/ledger';
import { readDom0Mounts } from '../../hotplug/mounts';
import { hostPaths } from '../../hotplug/paths';
import type { GatherPorts } from '../../host-view/gather';
import { BINDING_DIR, loadBinding } from '../../libvirt/binding';
import { LIBVIRT_RUN_DIR, libvirtUris } from '../../libvirt/connections';
import { readLibvirt, type LibvirtReading } from '../../libvirt/domains';
import { Lvm } from '../../lvm/lvm';
import { testSeams } from '../../test-seams';
import { XenstoreClient } from '../../xenstore/client';

// An admin command is not under libxl's 40 s kill, but it must still end.
const COMMAND_BUDGET_MS = 120_000;
/** Each libvirt connection's reading, from the connect to the last domain's XML. */
const LIBVIRT_READ_MS = 10_000;

export type Host = GatherPorts & { drbd: Drbd; close(): void };

export async function openHost(env: NodeJS.ProcessEnv = process.env): Promise<Host> {
  const paths = hostPaths(env);
  const xs = await XenstoreClient.connect(env);
  return {
    xs,
    drbd: new Drbd(runCommand, new Deadline(COMMAND_BUDGET_MS), { procDrbd: paths.procDrbd, drbdTools: paths.drbdTools }),
    ledger: new FileLedger(paths.ledgerDir),
    lvm: new Lvm(runCommand, 10_000),
    mounts: () => readDom0Mounts(paths.procMounts),
    libvirt: () => readLibvirtHere(env),
    // A disk's source names /dev; tests move DRBD's device nodes (and only those) elsewhere.
    blockDevice: (path) => statBlockDevice(path.startsWith('/dev/') ? join(paths.drbdTools.devDir, path.slice(5)) : path),
    close: () => xs.close(),
  };
}

/** Every libvirt connection of this host, read through the binding; none without a libvirt daemon. */
async function readLibvirtHere(env: NodeJS.ProcessEnv): Promise<readonly LibvirtReading[]> {
  const seams = testSeams(env);
  const uris = seams.libvirtTestNode !== undefined ? [`test://${seams.libvirtTestNode}`] : libvirtUris(namesIn(LIBVIRT_RUN_DIR));
  if (uris.length === 0) return [];
  let binding;
  try {
    binding = await loadBinding(seams.libvirtBinding ?? BINDING_DIR);
  } catch (e) {
    return uris.map((uri) => ({ uri, read: false, absent: false, why: (e as Error).message }));
  }
  const readings: LibvirtReading[] = [];
  for (const uri of uris) readings.push(await readLibvirt(binding, uri, LIBVIRT_READ_MS));
  return readings;
}

function namesIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return []; // no libvirt on this host
  }
}
