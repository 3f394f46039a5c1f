import { attachResult } from '../../../src/drbdlvm-sr/attach-result';
import { decodeMethodResponse } from '../../../src/drbdlvm-sr/xmlrpc-decode';
import { encodeResponse } from '../../../src/drbdlvm-sr/xmlrpc-encode';

const SR = '3b2f4c1e-7a55-8c1d-0e7f-2a9b6c4d8e11';
const VDI = 'f37ef400-7016-4af6-99bb-baa5fa06f0fc';

describe('attachResult', () => {
  it('always carries params_nbd (mandatory since xapi 23.12), empty when there is no NBD export', async () => {
    const v = attachResult({ params: `/dev/sm/backend/${SR}/${VDI}`, srUuid: SR, vdiUuid: VDI });
    expect(v).toEqual({
      params: `/dev/sm/backend/${SR}/${VDI}`,
      params_nbd: '',
      o_direct: true,
      o_direct_reason: '',
      xenstore_data: { 'vdi-uuid': VDI, 'mem-pool': SR, 'storage-type': 'lvm', 'vdi-type': 'aio' },
    });
    const wire = encodeResponse(v);
    expect(wire).toContain('<name>params_nbd</name>\n<value><string></string></value>');
    expect(wire).toContain('<name>o_direct</name>\n<value><boolean>1</boolean></value>');
    expect(await decodeMethodResponse(wire)).toEqual({ kind: 'result', value: v });
  });

  it('passes an NBD export through', () => {
    const nbd = `nbd:unix:/run/blktap-control/nbd/${SR}/${VDI}:exportname=${VDI}`;
    expect(attachResult({ params: '/dev/x', paramsNbd: nbd, srUuid: SR, vdiUuid: VDI }).params_nbd).toBe(nbd);
  });
});
