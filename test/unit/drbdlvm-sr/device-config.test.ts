import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseTarget } from '../../../src/drbd/target';
import { parseDeviceConfig } from '../../../src/drbdlvm-sr/device-config';
import { SrError } from '../../../src/drbdlvm-sr/errors';

function fault(dc: Record<string, string>): [number, string] | 'ok' {
  try {
    parseDeviceConfig(dc);
    return 'ok';
  } catch (e) {
    if (!(e instanceof SrError)) throw e;
    return [e.code, e.message];
  }
}

describe('parseDeviceConfig', () => {
  it('gives the resource and whether this host is the SR master', () => {
    expect(parseDeviceConfig({ SRmaster: 'true', resource: 'r0' })).toEqual({
      resource: { name: 'r0' },
      backend: 'tapdisk',
      srMaster: true,
    });
    expect(parseDeviceConfig({ SRmaster: 'false', resource: 'xcp-sr', volume: '1', backend: 'blkback' })).toEqual({
      resource: { name: 'xcp-sr', volume: 1 },
      backend: 'blkback',
      srMaster: false,
    });
    expect(parseDeviceConfig({ resource: 'r0' }).srMaster).toBe(false);
  });

  it.each([
    [
      { SRmaster: 'true' },
      115,
      'Not all required parameters specified [opterr=device-config:resource is required (the DRBD resource name, e.g. device-config:resource=r0)]',
    ],
    [{ SRmaster: 'true', device: '/dev/drbd0' }, 115, /device-config:resource is required/],
    [
      { resource: '-r0' },
      91,
      'The device-config is invalid [opterr=device-config:resource: a DRBD resource name is 1-64 letters, digits, _ . + - and must not start with - or .]',
    ],
    [{ resource: 'r0/1' }, 91, /a DRBD resource name is/],
    [{ resource: 'r0', volume: 'x' }, 91, /device-config:volume must be a number 0-65534/],
    [{ resource: 'r0', volume: '65535' }, 91, /device-config:volume must be 0-65534, not 65535/],
    [{ resource: 'r0', resouce: 'r1' }, 91, /unknown key device-config:resouce \(known: resource, volume, backend\)/],
    [{ resource: 'r0', backend: 'qdisk' }, 91, /device-config:backend must be tapdisk or blkback/],
    [{ resource: 'r0', SRmaster: 'yes' }, 91, /device-config:SRmaster must be equal to one of the allowed values/],
    [
      { resource: 'all' },
      91,
      "The device-config is invalid [opterr=device-config:resource: 'all' means every resource to drbdadm and drbdsetup, not one resource]",
    ],
    [
      { resource: 'minor-1' },
      91,
      "The device-config is invalid [opterr=device-config:resource: drbdadm reads a name starting with 'minor-' as a device minor (minor-N), not a resource]",
    ],
    [
      { resource: '0' },
      91,
      'The device-config is invalid [opterr=device-config:resource: drbdsetup reads a name of digits only as a device minor, not a resource]',
    ],
  ])('%j is refused with code %i', (dc, code, message) => {
    const f = fault(dc);
    expect(f).not.toBe('ok');
    const [c, m] = f as [number, string];
    expect(c).toBe(code);
    if (typeof message === 'string') expect(m).toBe(message);
    else expect(m).toMatch(message);
  });

  it.each([
    'r0',
    'xcp-sr',
    'pvc-0c1d7a0e-5b8f-4c2e-9a61-3f0e2d4b5c6a',
    'xcp-volume-4b0f1a2c-8d3e-4f5a-9b6c-7d8e9f0a1b2c',
    'all',
    'minor-1',
    '12',
    'A_b.c+d',
    '_x',
    'a'.repeat(64),
    'a'.repeat(65),
    '.r0',
    '-r0',
    'r 0',
    'r0;x',
    '',
    'drbd:r0',
    'é',
  ])('judges resource %j as block-drbd does', (name) => {
    const blockDrbd = name.includes(':') ? false : parseTarget(name).ok;
    expect(fault({ resource: name }) === 'ok').toBe(blockDrbd);
  });

  it('ships a validator generated from the current schema', () => {
    expect(() => execFileSync('node', [join(__dirname, '../../../scripts/gen-validators.cjs'), '--check'])).not.toThrow();
  });
});
