// The DRBD resources the checks are about, and the lookups rules share. Pure.
import { effectiveOption, type DrbdConfigDump, type ResourceConfig } from '../drbd/parse/dump-xml';
import type { Domain } from './domain';
import type { CheckInputs } from './inputs';

export function findResource(dump: DrbdConfigDump, name: string): ResourceConfig | undefined {
  return dump.resources.find((r) => r.name === name);
}

export function onThisHost(res: ResourceConfig, hostname: string): boolean {
  return res.hosts.some((h) => h.name === hostname);
}

/** Domains with at least one DRBD disk. */
export function drbdDomains(inputs: CheckInputs): Domain[] {
  return inputs.domains.filter((d) => d.drbdDisks.length > 0);
}

/**
 * The resources whose settings matter: those the checked domains use; with no domain config to go
 * by, every resource configured for this host.
 */
export function resourcesInUse(inputs: CheckInputs): ResourceConfig[] {
  if (!inputs.drbd.ok) return [];
  const dump = inputs.drbd.dump;
  const used = drbdDomains(inputs);
  if (used.length === 0) return dump.resources.filter((r) => onThisHost(r, inputs.hostname));
  const names = new Set<string>(used.flatMap((d) => d.drbdDisks.flatMap((disk) => (disk.ref === undefined ? [] : [disk.ref.name]))));
  return dump.resources.filter((r) => names.has(r.name) && onThisHost(r, inputs.hostname));
}

export function option(inputs: CheckInputs, res: ResourceConfig, section: string, name: string): string | undefined {
  return inputs.drbd.ok ? effectiveOption(inputs.drbd.dump, res, section, name) : undefined;
}

/** Where a resource is defined, for findings: "/etc/drbd.d/r0.res:1 (resource r0)". */
export function resourceWhere(res: ResourceConfig): string {
  return res.definedAt === undefined ? `resource ${res.name}` : `${res.definedAt} (resource ${res.name})`;
}

/** Backing disks of this host's volumes, 'none' (diskless) left out. */
export function backingDisks(inputs: CheckInputs): string[] {
  if (!inputs.drbd.ok) return [];
  const disks = inputs.drbd.dump.resources.flatMap((r) =>
    r.hosts
      .filter((h) => h.name === inputs.hostname)
      .flatMap((h) => h.volumes.flatMap((v) => (v.disk === undefined || v.disk === 'none' ? [] : [v.disk]))),
  );
  return [...new Set(disks)];
}

/** live migration is possible unless the policy refuses it (an invalid policy refuses everything). */
export function migrationAllowed(inputs: CheckInputs): boolean {
  return inputs.policy.result.ok && inputs.policy.result.policy.migrationMode !== 'refuse';
}
