// The backend's `params` → which resource (and volume) the disk names. Validated before any
// command runs: the name reaches drbdadm's argv, so nothing but one resource's name gets through
// (src/drbd/resource-name.ts).
import { checkResourceName } from './resource-name';
import type { ResourceRef } from './types';

const VOLUME = /^(0|[1-9][0-9]{0,4})$/;

export type TargetResult = { readonly ok: true; readonly ref: ResourceRef } | { readonly ok: false; readonly error: string };

export function parseTarget(params: string): TargetResult {
  const raw = params.startsWith('drbd:') ? params.slice('drbd:'.length) : params;
  const parts = raw.split('/');
  if (parts.length > 2) return bad(params, 'expected RES or RES/VOLUME');
  const [rawName = '', volume] = parts;
  const checked = checkResourceName(rawName);
  if (!checked.ok) return bad(params, checked.rule);
  const name = checked.name;
  if (volume === undefined) return { ok: true, ref: { name } };
  if (!VOLUME.test(volume) || Number(volume) > 65534) return bad(params, 'the volume must be a number 0-65534');
  return { ok: true, ref: { name, volume: Number(volume) } };
}

function bad(params: string, why: string): TargetResult {
  return { ok: false, error: `invalid DRBD target '${params}': ${why}` };
}
