// The backend's `params` → which resource (and volume) the disk names. Validated before any
// command runs: the name reaches drbdadm's argv, so nothing drbdadm would not accept gets through.
import type { ResourceName, ResourceRef } from '../../drbd/types';

// drbdadm takes resource names as plain config words; we accept the portable subset and nothing
// that could be read as an option ('-'), a path ('/'), or a volume separator.
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,63}$/;
const VOLUME = /^(0|[1-9][0-9]{0,4})$/;

export type TargetResult = { readonly ok: true; readonly ref: ResourceRef } | { readonly ok: false; readonly error: string };

export function parseTarget(params: string): TargetResult {
  const raw = params.startsWith('drbd:') ? params.slice('drbd:'.length) : params;
  const parts = raw.split('/');
  if (parts.length > 2) return bad(params, 'expected RES or RES/VOLUME');
  const [name = '', volume] = parts;
  if (!NAME.test(name)) {
    return bad(params, 'a DRBD resource name is 1-64 letters, digits, _ . + - and must not start with - or .');
  }
  if (volume === undefined) return { ok: true, ref: { name: name as ResourceName } };
  if (!VOLUME.test(volume) || Number(volume) > 65534) return bad(params, 'the volume must be a number 0-65534');
  return { ok: true, ref: { name: name as ResourceName, volume: Number(volume) } };
}

function bad(params: string, why: string): TargetResult {
  return { ok: false, error: `invalid DRBD target '${params}': ${why}` };
}
