// The PBD's device-config → the typed SR configuration, or a fault naming the key. Shape checked by
// the ajv validator compiled from device-config.schema.json; the resource name follows the one rule
// of src/drbd/resource-name.ts because it reaches drbdadm's argv (the schema's pattern says the same:
// test/unit/drbdlvm-sr/device-config.test.ts holds the two side by side).
import { NAME_SHAPE_RULE, checkResourceName } from '../drbd/resource-name';
import type { ResourceRef } from '../drbd/types';
import { srError } from './errors';
import type { StringMap } from './request';
import validate from './validate-device-config.generated';

export type BackendKind = 'tapdisk' | 'blkback';

export interface SrConfig {
  readonly resource: ResourceRef;
  readonly backend: BackendKind;
  /** SRmaster: this host may change LVM metadata (the pool master, for a shared SR). */
  readonly srMaster: boolean;
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params?: Record<string, unknown>;
}

const MAX_VOLUME = 65534;

/** Throws ConfigParamsMissing (115) or ConfigDeviceInvalid (91), naming the key. */
export function parseDeviceConfig(dc: StringMap): SrConfig {
  if (!validate(dc)) {
    const errors = (validate as unknown as { errors?: AjvError[] }).errors ?? [];
    const missing = errors.find((e) => e.keyword === 'required');
    if (missing !== undefined) {
      const key = String(missing.params?.missingProperty ?? '');
      throw srError('ConfigParamsMissing', `device-config:${key} is required (the DRBD resource name, e.g. device-config:${key}=r0)`);
    }
    throw srError('ConfigDeviceInvalid', errors.map((e) => describe(e, dc)).join('; '));
  }
  const volume = dc.volume === undefined ? undefined : Number(dc.volume);
  if (volume !== undefined && volume > MAX_VOLUME) {
    throw srError('ConfigDeviceInvalid', `device-config:volume must be 0-${MAX_VOLUME}, not ${dc.volume}`);
  }
  const checked = checkResourceName(dc.resource as string);
  if (!checked.ok) throw srError('ConfigDeviceInvalid', `device-config:resource: ${checked.rule}`);
  const name = checked.name;
  const backend: BackendKind = dc.backend === 'blkback' ? 'blkback' : 'tapdisk';
  return { resource: volume === undefined ? { name } : { name, volume }, backend, srMaster: dc.SRmaster === 'true' };
}

function describe(e: AjvError, dc: StringMap): string {
  const key = e.instancePath.slice(1);
  if (e.keyword === 'additionalProperties') {
    return `unknown key device-config:${String(e.params?.additionalProperty)} (known: resource, volume, backend)`;
  }
  if (key === 'resource' && e.keyword === 'pattern') {
    const checked = checkResourceName(dc.resource ?? '');
    return `device-config:resource: ${checked.ok ? NAME_SHAPE_RULE : checked.rule}`;
  }
  if (key === 'volume' && e.keyword === 'pattern') return 'device-config:volume must be a number 0-65534';
  if (key === 'backend' && e.keyword === 'enum') return 'device-config:backend must be tapdisk or blkback';
  return `device-config:${key} ${e.message ?? 'is invalid'}`;
}
