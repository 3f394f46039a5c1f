// vdi_attach's answer, in the shape xapi's parse_attach_result reads (docs/smapi.md §5): `params_nbd`
// is mandatory since xapi v23.12.0 (even when empty), `params` is the block device xenopsd hands
// the backend, and `xenstore_data` lands under the VBD's backend as sm-data/<key>. Pure; `params`
// comes from the block backend (backends/: a tapdisk node on XCP-ng, the LV for blkback).
import type { XmlRpcStruct } from './xmlrpc-value';

export interface AttachInfo {
  readonly params: string;
  readonly paramsNbd?: string;
  readonly srUuid: string;
  readonly vdiUuid: string;
}

export function attachResult(a: AttachInfo): XmlRpcStruct {
  return {
    params: a.params,
    params_nbd: a.paramsNbd ?? '',
    o_direct: true,
    o_direct_reason: '',
    // What LVHD + blktap2 give a raw LV, minus the synthetic SCSI inquiry pages (not generated yet).
    xenstore_data: { 'vdi-uuid': a.vdiUuid, 'mem-pool': a.srUuid, 'storage-type': 'lvm', 'vdi-type': 'aio' },
  };
}
