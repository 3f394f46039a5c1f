import { parseTarget } from '../../../src/drbd/target';

describe('parseTarget', () => {
  it.each([
    ['r0', { name: 'r0' }],
    ['drbd:r0', { name: 'r0' }],
    ['vm-disk_1.data+x', { name: 'vm-disk_1.data+x' }],
    ['r1/0', { name: 'r1', volume: 0 }],
    ['drbd:r1/12', { name: 'r1', volume: 12 }],
    // As LINSTOR names them (Kubernetes PVCs, XCP-ng's linstor SR), and names near the keywords.
    ['pvc-0c1d7a0e-5b8f-4c2e-9a61-3f0e2d4b5c6a', { name: 'pvc-0c1d7a0e-5b8f-4c2e-9a61-3f0e2d4b5c6a' }],
    ['xcp-volume-4b0f1a2c-8d3e-4f5a-9b6c-7d8e9f0a1b2c/0', { name: 'xcp-volume-4b0f1a2c-8d3e-4f5a-9b6c-7d8e9f0a1b2c', volume: 0 }],
    ['all0', { name: 'all0' }],
    ['ALL', { name: 'ALL' }],
    ['minor', { name: 'minor' }],
    ['r0-minor-1', { name: 'r0-minor-1' }],
    ['vm7', { name: 'vm7' }],
  ])('accepts %s', (params, ref) => {
    expect(parseTarget(params)).toEqual({ ok: true, ref });
  });

  it.each([
    '',
    'drbd:',
    '-r0',
    '.r0',
    'r0 r1',
    'r0;reboot',
    '$(reboot)',
    'r0/',
    'r0/x',
    'r0/01',
    'r0/65535',
    'r0/1/2',
    '../r0',
    'a'.repeat(65),
  ])('rejects %j before any command runs', (params) => {
    const r = parseTarget(params);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/^invalid DRBD target/);
  });

  it.each([
    ['all', "'all' means every resource to drbdadm and drbdsetup, not one resource"],
    ['drbd:all/0', "'all' means every resource to drbdadm and drbdsetup, not one resource"],
    ['minor-1', "drbdadm reads a name starting with 'minor-' as a device minor (minor-N), not a resource"],
    ['drbd:minor-0/0', "drbdadm reads a name starting with 'minor-' as a device minor (minor-N), not a resource"],
    ['minor-x', "drbdadm reads a name starting with 'minor-' as a device minor (minor-N), not a resource"],
    ['7', 'drbdsetup reads a name of digits only as a device minor, not a resource'],
    ['drbd:0/0', 'drbdsetup reads a name of digits only as a device minor, not a resource'],
  ])('refuses %j, a name drbdadm or drbdsetup would not read as one resource, and says which rule', (params, rule) => {
    expect(parseTarget(params)).toEqual({ ok: false, error: `invalid DRBD target '${params}': ${rule}` });
  });
});
