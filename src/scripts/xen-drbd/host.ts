// The real host behind the admin commands: xenstored, DRBD, the promotion ledger, dom0 mounts.
import { Drbd } from '../../drbd/drbd';
import { Deadline } from '../../exec/deadline';
import { runCommand } from '../../exec/run';
import { FileLedger } from '../../hotplug/ledger';
import { readDom0Mounts } from '../../hotplug/mounts';
import { hostPaths } from '../../hotplug/paths';
import type { GatherPorts } from '../../host-view/gather';
import { Lvm } from '../../lvm/lvm';
import { XenstoreClient } from '../../xenstore/client';

// An admin command is not under libxl's 40 s kill, but it must still end.
const COMMAND_BUDGET_MS = 120_000;

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
    close: () => xs.close(),
  };
}
