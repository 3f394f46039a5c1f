// A decoded methodCall → the typed request the handlers see. xapi sends one struct (docs/smapi.md §2);
// unknown members are ignored (a newer xapi may add some), missing required ones are BadRequest.
import { isSmCommand, scopeOf, type SmCommand } from './commands';
import { srError } from './errors';
import type { MethodCall } from './xmlrpc-decode';
import { isArray, isStruct, type XmlRpcStruct, type XmlRpcValue } from './xmlrpc-value';

export type StringMap = Readonly<Record<string, string>>;

export interface SmRequest {
  readonly command: SmCommand;
  /** The host running this call. */
  readonly hostRef: string;
  readonly args: readonly string[];
  /** The PBD's device-config plus SRmaster ("true"/"false"); empty for sr_get_driver_info. */
  readonly deviceConfig: StringMap;
  readonly sessionRef?: string;
  readonly srRef?: string;
  readonly srUuid?: string;
  readonly srSmConfig?: StringMap;
  readonly vdiRef?: string;
  readonly vdiUuid?: string;
  readonly vdiLocation?: string;
  readonly vdiType?: string;
  readonly vdiSmConfig?: StringMap;
  readonly driverParams?: StringMap;
  readonly newUuid?: string;
  readonly subtaskOf?: string;
  readonly vdiOnBoot?: string;
  readonly vdiAllowCaching?: string;
  readonly localCacheSr?: string;
}

const STRING_MEMBERS = {
  session_ref: 'sessionRef',
  sr_ref: 'srRef',
  sr_uuid: 'srUuid',
  vdi_ref: 'vdiRef',
  vdi_uuid: 'vdiUuid',
  vdi_location: 'vdiLocation',
  vdi_type: 'vdiType',
  new_uuid: 'newUuid',
  subtask_of: 'subtaskOf',
  vdi_on_boot: 'vdiOnBoot',
  vdi_allow_caching: 'vdiAllowCaching',
  local_cache_sr: 'localCacheSr',
} as const;

const MAP_MEMBERS = {
  sr_sm_config: 'srSmConfig',
  vdi_sm_config: 'vdiSmConfig',
  driver_params: 'driverParams',
} as const;

const REQUIRED: Record<ReturnType<typeof scopeOf>, readonly (keyof typeof STRING_MEMBERS)[]> = {
  none: [],
  probe: ['session_ref'],
  sr: ['session_ref', 'sr_ref', 'sr_uuid'],
  vdi: ['session_ref', 'sr_ref', 'sr_uuid', 'vdi_ref', 'vdi_uuid', 'vdi_location'],
};

/** Throws SrError('BadRequest' | 'Unimplemented') with the reason. */
export function toSmRequest(call: MethodCall): SmRequest {
  if (call.params.length !== 1) throw srError('BadRequest', `expected one struct parameter, got ${call.params.length}`);
  const p = call.params[0];
  if (!isStruct(p)) throw srError('BadRequest', 'the parameter is not a struct');
  // An unknown command is a real request from a newer xapi: 38 lets xapi fall back or refuse cleanly.
  if (!isSmCommand(call.methodName)) throw srError('Unimplemented', `unknown command '${call.methodName}'`);
  const command = call.methodName;
  const member = p.command;
  if (member !== undefined && member !== command)
    throw srError('BadRequest', `methodName '${command}' but command member '${String(member)}'`);

  const out: Record<string, unknown> = {
    command,
    hostRef: requiredString(p, 'host_ref'),
    args: stringArray(p.args, 'args'),
    deviceConfig: p.device_config === undefined ? {} : stringMap(p.device_config, 'device_config'),
  };
  for (const [wire, key] of Object.entries(STRING_MEMBERS)) {
    const v = p[wire];
    if (v === undefined) continue;
    if (typeof v !== 'string') throw srError('BadRequest', `${wire} must be a string`);
    out[key] = v;
  }
  for (const [wire, key] of Object.entries(MAP_MEMBERS)) {
    const v = p[wire];
    if (v !== undefined) out[key] = stringMap(v, wire);
  }
  for (const wire of REQUIRED[scopeOf(command)]) {
    if (typeof p[wire] !== 'string' || p[wire] === '') throw srError('BadRequest', `${command} needs ${wire}`);
  }
  return out as unknown as SmRequest;
}

function requiredString(p: XmlRpcStruct, name: string): string {
  const v = p[name];
  if (typeof v !== 'string' || v === '') throw srError('BadRequest', `${name} is missing`);
  return v;
}

function stringArray(v: XmlRpcValue | undefined, name: string): string[] {
  if (v === undefined) return [];
  if (!isArray(v) || !v.every((x) => typeof x === 'string')) throw srError('BadRequest', `${name} must be an array of strings`);
  return v as string[];
}

function stringMap(v: XmlRpcValue, name: string): StringMap {
  if (!isStruct(v)) throw srError('BadRequest', `${name} must be a struct`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string') throw srError('BadRequest', `${name}.${k} must be a string`);
    out[k] = x;
  }
  return out;
}
