// What the libvirt hook does with one call: the domain's DRBD disks → one claim or release per
// resource, through the same core as block-drbd (src/primary). A domain's resources are claimed in
// disk order; when one is refused, those this call promoted are given back before it fails.
import { DrbdError } from '../../drbd/drbd';
import { isDrbdDevicePath, needsConfig, targetOfDevice } from '../../drbd/device-target';
import type { DrbdConfigDump } from '../../drbd/parse/dump-xml';
import { parseTarget } from '../../drbd/target';
import type { ResourceName } from '../../drbd/types';
import { hookHolder, hookStep, type HookCall } from '../../libvirt/hook-call';
import type { DomainDisks } from '../../libvirt/domain-xml';
import type { IncomingMarks } from '../../libvirt/incoming';
import { acquire } from '../../primary/acquire';
import { failed, success, type Outcome, type PrimaryPorts } from '../../primary/ports';
import { release, type OtherUse } from '../../primary/release';

export interface HookPorts extends PrimaryPorts {
  readonly incoming: IncomingMarks;
  /** This host as the DRBD config's `on NAME` sections spell it. */
  readonly hostname: string;
  /** `drbdadm dump-xml`, read only when a disk names a minor or a backing disk; undefined: unreadable. */
  dumpConfig(): Promise<DrbdConfigDump | undefined>;
  /** Anything else on this host using the resource (Xen: other domains' backends; dom0 mounts). */
  otherUse(mine: ReadonlySet<string>): Promise<OtherUse | undefined>;
}

/** `readDomain`: the domain XML from stdin, read only by the calls that come with one. */
export async function runHook(call: HookCall, readDomain: () => Promise<DomainDisks>, p: HookPorts): Promise<Outcome> {
  const step = hookStep(call);
  if (step === 'none') return success;
  const holder = hookHolder(call);
  if (step === 'expect-incoming') {
    p.incoming.mark(holder);
    p.log.log('info', `${holder}: live migration arriving; its prepare claims the DRBD disks for it`);
    return success;
  }
  const domain = await readDomain();
  if (domain.name !== call.domain) {
    return failed(`the domain XML names '${domain.name}', the call '${call.domain}': not acting on either`);
  }
  const found = await resourcesOf(domain, p);
  if (!found.ok) {
    // A release never fails on what the XML says: whatever it names, the ledger knows what was ours.
    if (step === 'release') p.log.log('warning', `${found.error}; nothing of it is demoted`);
    return step === 'release' ? success : failed(found.error);
  }
  if (step === 'release') return releaseAll(found.names, holder, p);
  return claimAll(found.names, holder, p.incoming.take(holder), p);
}

type Found = { readonly ok: true; readonly names: readonly ResourceName[] } | { readonly ok: false; readonly error: string };

async function resourcesOf(domain: DomainDisks, p: HookPorts): Promise<Found> {
  const names: ResourceName[] = [];
  let dump: DrbdConfigDump | undefined;
  for (const disk of domain.disks) {
    if (!isDrbdDevicePath(disk.source)) continue;
    if (needsConfig(disk.source) && dump === undefined) dump = await p.dumpConfig();
    const where = `${domain.name}: disk ${disk.target ?? '?'} (${disk.source})`;
    const target = targetOfDevice(disk.source, dump, p.hostname);
    if (target === undefined) {
      return { ok: false, error: `${where} names no DRBD volume of this host (${p.hostname}) in 'drbdadm dump-xml'` };
    }
    const parsed = parseTarget(target);
    if (!parsed.ok) return { ok: false, error: `${where}: ${parsed.error}` };
    if (!names.includes(parsed.ref.name)) names.push(parsed.ref.name);
  }
  return { ok: true, names };
}

async function claimAll(names: readonly ResourceName[], holder: string, announced: boolean, p: HookPorts): Promise<Outcome> {
  const taken: ResourceName[] = [];
  for (const name of names) {
    const record = p.ledger.read(name);
    // A repeated `prepare` of an arriving domain whose claim was made: still the migration's.
    const incomingMigration = announced || (record?.backend === holder && record.dualPrimary);
    let outcome: Outcome;
    try {
      const { target, devices } = await p.drbd.resolve({ name });
      outcome = await acquire({ ref: { name }, target, allDevices: devices, holder, incomingMigration }, p, async () => ({
        ok: true,
        given: `for libvirt domain ${holder.slice(holder.indexOf('/') + 1)}`,
      }));
    } catch (e) {
      if (!(e instanceof DrbdError)) throw e;
      outcome = failed(e.message);
    }
    if (!outcome.ok) {
      for (const back of taken.reverse()) await releaseOne(back, holder, p, 'its claim failed on another resource');
      return outcome;
    }
    taken.push(name);
  }
  return success;
}

async function releaseAll(names: readonly ResourceName[], holder: string, p: HookPorts): Promise<Outcome> {
  let first: Outcome = success;
  for (const name of names) {
    const outcome = await releaseOne(name, holder, p, 'the domain was released');
    if (!outcome.ok && first.ok) first = outcome;
  }
  return first;
}

/** Only what this domain promoted: another user's record (an xl domain's backend) is left alone. */
async function releaseOne(name: ResourceName, holder: string, p: HookPorts, why: string): Promise<Outcome> {
  const record = p.ledger.read(name);
  if (record !== undefined && record.problem === undefined && record.backend !== holder) {
    p.log.log('info', `${name}: promoted for ${record.backend}, not ${holder}; left in the role it has`);
    return success;
  }
  return release({ name, leaving: `${holder}: ${why}`, migratedAway: false, otherUse: (mine) => p.otherUse(mine) }, p);
}
