// xapi's call orders (docs/smapi.md §9, §10) on the simulated pool of sr-pool.ts or on the
// lab's two dom0s (test/lab/lib/sr-lab.ts): the sequencer. Each function does what xapi and
// xenopsd do to the database and which driver calls they make, on which host, in which order; a
// fault stops the sequence where xapi would, with the clean-up xenopsd does.
import { NULL_REF } from './xapi-sim';
import { HOST_REF, MASTER, hostOf, writeAtomically, type DriverPool, type HostName, type SrPool, type Step, type Vdi } from './sr-pool';

/** xe sr-create shared=true: sr_create on the master, PBD.plug on both in parallel, SR.stat. */
export async function srCreate(pool: DriverPool): Promise<Step[]> {
  const create = await pool.call(MASTER, 'sr_create', { args: ['0'] });
  if (create.response.kind === 'fault') return [create];
  const plugs = await Promise.all([pool.call('A', 'sr_attach'), pool.call('B', 'sr_attach')]);
  return [create, ...plugs, await pool.call(MASTER, 'sr_update')];
}

/** xe vdi-create (on the master); the record is the driver's db_introduce. */
export async function vdiCreate(pool: DriverPool, bytes: bigint, label: string): Promise<{ step: Step; vdi?: Vdi }> {
  const step = await pool.call(MASTER, 'vdi_create', {
    args: [bytes.toString(), label, '', '', 'false', '19700101T00:00:00Z', '', 'false'],
    extra: { vdi_type: 'user', vdi_sm_config: {} },
  });
  if (step.response.kind === 'fault') return { step };
  const uuid = (step.response.value as { uuid: string }).uuid;
  const ref = Object.entries(pool.sim.db.VDI).find(([, v]) => v.uuid === uuid)?.[0];
  return ref === undefined ? { step } : { step, vdi: { ref, uuid } };
}

/** A halted VM with one VBD on `vdi`. */
export function addVm(pool: DriverPool, vdi: Vdi, isControlDomain = false): string {
  const ref = `OpaqueRef:vm-${Object.keys(pool.sim.db.VM).length + 1}`;
  pool.sim.db.VM[ref] = {
    uuid: ref.slice(10),
    current_operations: {},
    resident_on: NULL_REF,
    scheduled_to_be_resident_on: NULL_REF,
    is_control_domain: isControlDomain,
  };
  pool.sim.db.VBD[`${ref}-vbd0`] = { VM: ref, VDI: vdi.ref };
  return ref;
}

function vdisOf(pool: DriverPool, vm: string): Vdi[] {
  return Object.values(pool.sim.db.VBD)
    .filter((b) => b.VM === vm)
    .map((b) => ({ ref: b.VDI, uuid: pool.sim.db.VDI[b.VDI]?.uuid ?? '' }));
}

type VmRecord = DriverPool['sim']['db']['VM'][string];

/** xapi marks a VM for the operation and the host it will run on; the marks go when it ends. */
function markVm(pool: DriverPool, vm: string, task: string, op: string, h: HostName): VmRecord {
  const rec = pool.sim.db.VM[vm];
  if (rec === undefined) throw new Error(`no VM ${vm}`);
  rec.current_operations = { [task]: op };
  rec.scheduled_to_be_resident_on = HOST_REF[h];
  return rec;
}

function unmarkVm(rec: VmRecord): void {
  rec.current_operations = {};
  rec.scheduled_to_be_resident_on = NULL_REF;
}

/**
 * xenopsd plugging the VBDs on h: `commands` per VDI, in order (RW). Stops at the first fault and
 * says which command on which VDI it was, for the caller's clean-up.
 */
async function plugOn(
  pool: DriverPool,
  h: HostName,
  vdis: readonly Vdi[],
  commands: readonly string[],
  steps: Step[],
): Promise<{ command: string; vdi: Vdi } | undefined> {
  for (const vdi of vdis) {
    for (const command of commands) {
      const s = await pool.call(h, command, { vdi, args: command === 'vdi_epoch_begin' ? [] : ['true'] });
      steps.push(s);
      if (s.response.kind === 'fault') return { command, vdi };
    }
  }
  return undefined;
}

/**
 * VM.start on host h (docs/smapi.md §10): epoch_begin → attach(RW) → activate(RW) per VBD. On a fault
 * xenopsd unplugs what it plugged (detach, epoch_end) and the VM stays halted.
 */
export async function vmStart(pool: DriverPool, vm: string, h: HostName): Promise<Step[]> {
  const rec = markVm(pool, vm, 'task-start', 'start', h);
  const steps: Step[] = [];
  const fault = await plugOn(pool, h, vdisOf(pool, vm), ['vdi_epoch_begin', 'vdi_attach', 'vdi_activate'], steps);
  if (fault !== undefined) {
    const { command, vdi } = fault;
    if (command === 'vdi_activate') steps.push(await pool.call(h, 'vdi_detach', { vdi }));
    if (command !== 'vdi_epoch_begin') steps.push(await pool.call(h, 'vdi_epoch_end', { vdi }));
    unmarkVm(rec);
    return steps;
  }
  unmarkVm(rec);
  rec.resident_on = HOST_REF[h];
  return steps;
}

/** VM.shutdown (docs/smapi.md §10): deactivate → detach → epoch_end, on the host it ran on. */
export async function vmShutdown(pool: DriverPool, vm: string): Promise<Step[]> {
  const rec = pool.sim.db.VM[vm];
  const h = hostOf(rec?.resident_on);
  const steps: Step[] = [];
  for (const vdi of vdisOf(pool, vm)) {
    for (const command of ['vdi_deactivate', 'vdi_detach', 'vdi_epoch_end']) steps.push(await pool.call(h, command, { vdi }));
  }
  if (rec !== undefined) rec.resident_on = NULL_REF;
  return steps;
}

/**
 * VM.pool_migrate from its host to `to` (docs/smapi.md §10): xapi marks the VM pool_migrate and
 * scheduled on `to`; the source deactivates, the destination attaches and activates, the source
 * detaches; then resident_on moves. No epoch calls. A destination fault leaves the VM on the source
 * (xenopsd re-activates it there).
 */
export async function vmMigrate(pool: DriverPool, vm: string, to: HostName): Promise<Step[]> {
  const rec = markVm(pool, vm, 'task-migrate', 'pool_migrate', to);
  const from = hostOf(rec.resident_on);
  const steps: Step[] = [];
  const vdis = vdisOf(pool, vm);
  for (const vdi of vdis) steps.push(await pool.call(from, 'vdi_deactivate', { vdi }));
  const fault = await plugOn(pool, to, vdis, ['vdi_attach', 'vdi_activate'], steps);
  if (fault !== undefined) {
    steps.push(await pool.call(to, 'vdi_detach', { vdi: fault.vdi }));
    steps.push(await pool.call(from, 'vdi_activate', { vdi: fault.vdi, args: ['true'] }));
    unmarkVm(rec);
    return steps;
  }
  for (const vdi of vdis) steps.push(await pool.call(from, 'vdi_detach', { vdi }));
  unmarkVm(rec);
  rec.resident_on = HOST_REF[to];
  return steps;
}

/**
 * XenMotion with a backend that holds the LV open until the source domain is gone (kernel blkback
 * under `xl migrate`, lab scenario 19), in two halves around the hypervisor's migration: the
 * destination attaches and activates while the VM is marked pool_migrate and scheduled there (the
 * driver allows the split for this VM only), then the source deactivates and detaches. A
 * destination fault ends the start here (detach on the destination, marks cleared): the VM stays on
 * the source, still active there.
 */
export async function vmMigrateStart(pool: DriverPool, vm: string, to: HostName): Promise<Step[]> {
  const rec = markVm(pool, vm, 'task-migrate', 'pool_migrate', to);
  const steps: Step[] = [];
  const fault = await plugOn(pool, to, vdisOf(pool, vm), ['vdi_attach', 'vdi_activate'], steps);
  if (fault !== undefined) {
    if (fault.command === 'vdi_activate') steps.push(await pool.call(to, 'vdi_detach', { vdi: fault.vdi }));
    unmarkVm(rec);
  }
  return steps;
}

/** The second half of vmMigrateStart, once the VM runs on the destination: the source lets go. */
export async function vmMigrateFinish(pool: DriverPool, vm: string): Promise<Step[]> {
  const rec = pool.sim.db.VM[vm];
  if (rec === undefined) throw new Error(`no VM ${vm}`);
  const from = hostOf(rec.resident_on);
  const steps: Step[] = [];
  for (const vdi of vdisOf(pool, vm)) {
    for (const command of ['vdi_deactivate', 'vdi_detach']) steps.push(await pool.call(from, command, { vdi }));
  }
  rec.resident_on = rec.scheduled_to_be_resident_on;
  unmarkVm(rec);
  return steps;
}

/**
 * Host h dies: its driver processes and dm tables are gone, its VMs with it (xapi's records still
 * say what they said), and the peer loses the link. Rebooting brings DRBD back Secondary and
 * connected, then xapi plugs the PBD: sr_attach.
 */
export function crash(pool: SrPool, h: HostName): void {
  const peer: HostName = h === 'A' ? 'B' : 'A';
  pool.setDrbd(h, { role: 'Secondary', cs: 'WFConnection', peerDisks: ['DUnknown'] });
  pool.setDrbd(peer, { cs: 'WFConnection', peerDisks: ['DUnknown'] });
  const s = pool.lvm();
  s.active[h] = [];
  writeAtomically(pool.lvmState, JSON.stringify(s));
  for (const [ref, vm] of Object.entries(pool.sim.db.VM))
    if (vm.resident_on === HOST_REF[h]) pool.sim.db.VM[ref] = { ...vm, current_operations: {} };
  pool.syncPeers();
}

export async function reboot(pool: SrPool, h: HostName): Promise<Step> {
  const peer: HostName = h === 'A' ? 'B' : 'A';
  pool.setDrbd(h, { cs: 'Connected', peerDisks: ['UpToDate'] });
  pool.setDrbd(peer, { cs: 'Connected', peerDisks: ['UpToDate'] });
  for (const [ref, vm] of Object.entries(pool.sim.db.VM))
    if (vm.resident_on === HOST_REF[h]) pool.sim.db.VM[ref] = { ...vm, resident_on: NULL_REF };
  pool.syncPeers();
  return pool.call(h, 'sr_attach');
}
