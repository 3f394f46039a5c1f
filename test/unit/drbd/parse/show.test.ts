// 8.4's `drbdsetup show` and `drbdadm sh-resources`, recorded in the lab (test/fixtures/drbd84),
// and drbd-utils 9.22's sh-resources.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRunningResource, parseShResources, requireShowOf, twoPrimariesRunning } from '../../../../src/drbd/parse/show';

const fixture = (name: string) => readFileSync(join(__dirname, '../../../fixtures/drbd84', name), 'utf8');
const utils = (name: string) => readFileSync(join(__dirname, '../../../fixtures/drbd-utils-9.22-nomodule/outputs', name), 'utf8');

describe('drbdsetup show (8.4)', () => {
  it.each([
    'drbdsetup_84_show_r0.stdout',
    'drbdsetup_show_r0.stdout',
    'drbdsetup_show_r0_allow_two_primaries.stdout',
    'drbdsetup_show_r0_slow_resync.stdout',
  ])('%s: volume 0 on minor 0, both ends as drbdsetup takes them', (name) => {
    expect(parseRunningResource(fixture(name), 'r0')).toEqual({
      volumes: [{ volume: 0, minor: 0 }],
      thisAddress: 'ipv4:10.99.0.1:7789',
      peerAddress: 'ipv4:10.99.0.2:7789',
    });
  });

  it('two volumes in volume order', () => {
    expect(parseRunningResource(fixture('drbdsetup_show_r1.stdout'), 'r1').volumes).toEqual([
      { volume: 0, minor: 1 },
      { volume: 1, minor: 2 },
    ]);
  });

  it('an IPv6 end keeps its brackets', () => {
    const v6 = fixture('drbdsetup_84_show_r0.stdout').replace('ipv4 10.99.0.2:7789', 'ipv6 [fd00::2]:7789');
    expect(parseRunningResource(v6, 'r0').peerAddress).toBe('ipv6:[fd00::2]:7789');
  });

  it('rejects an output with no device minor rather than guess', () => {
    expect(() => parseRunningResource('resource r0 {\n    _this_host {\n    }\n}\n', 'r0')).toThrow(/no volume with a device minor/);
    expect(() => parseRunningResource('resource r0 {\n}\n', 'r0')).toThrow(/no _this_host/);
  });

  it('sees a runtime allow-two-primaries', () => {
    expect(twoPrimariesRunning(fixture('drbdsetup_show_r0_allow_two_primaries.stdout'), 'r0')).toBe(true);
    expect(twoPrimariesRunning(fixture('drbdsetup_show_r0_after_reset.stdout'), 'r0')).toBe(false);
  });

  // 8.4's show reads `all` and a minor too: an answer about anything but the name asked is not used.
  it('accepts only an output about the one resource asked for', () => {
    const r0 = fixture('drbdsetup_84_show_r0.stdout');
    const r1 = fixture('drbdsetup_show_r1.stdout');
    expect(() => requireShowOf(r0, 'r0')).not.toThrow();
    expect(() => requireShowOf('resource "r0" {\n    _this_host {\n    }\n}\n', 'r0')).not.toThrow(); // DRBD 9 quotes the name
    expect(() => parseRunningResource(r0 + r1, 'r0')).toThrow('drbdsetup show r0: expected resource r0 alone, got r0, r1');
    expect(() => parseRunningResource(r1, '1')).toThrow('drbdsetup show 1: expected resource 1 alone, got r1');
    expect(() => twoPrimariesRunning(r1, 'r0')).toThrow(/got r1/);
    expect(() => twoPrimariesRunning('', 'r0')).toThrow(/got no resource/);
  });
});

describe('drbdadm sh-resources', () => {
  it('lists the resources whether drbdadm-84 separates them by spaces or drbdadm 9 by lines', () => {
    expect(fixture('drbdadm_sh_resources.stdout')).toBe('r0 r1\n');
    expect(parseShResources(fixture('drbdadm_sh_resources.stdout'))).toEqual(['r0', 'r1']);
    expect(parseShResources(utils('sh-resources.stdout'))).toEqual(['r0', 'r1']);
  });
});
