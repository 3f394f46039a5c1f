// A DRBD device path → the `drbd:` target it stands for, on the real dump-xml of the lab's r0
// (test/fixtures/drbd84) and of drbd-utils 9.22 (a two-volume resource among others).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDrbdDevicePath, needsConfig, targetOfDevice } from '../../../src/drbd/device-target';
import { parseDumpXml, type DrbdConfigDump } from '../../../src/drbd/parse/dump-xml';

const fixture = (path: string): string => readFileSync(join(__dirname, '..', '..', 'fixtures', path), 'utf8');

let lab: DrbdConfigDump;
let utils: DrbdConfigDump;
beforeAll(async () => {
  lab = await parseDumpXml(fixture('drbd84/drbdadm_dump_xml_r0.stdout'));
  utils = await parseDumpXml(fixture('drbd-utils-9.22-nomodule/outputs/dump-xml-all.stdout'));
});

describe('isDrbdDevicePath', () => {
  it.each(['/dev/drbd0', '/dev/drbd1000', '/dev/drbd/by-res/r0/0', '/dev/drbd/by-res/r0', '/dev/drbd/by-disk/vg0/r0'])('%s is one', (p) =>
    expect(isDrbdDevicePath(p)).toBe(true),
  );
  it.each(['/dev/drbd', '/dev/drbdx', '/dev/sda', '/dev/vg0/drbd0', 'drbd0', '/dev/drbd0p1'])('%s is not', (p) =>
    expect(isDrbdDevicePath(p)).toBe(false),
  );
});

describe('targetOfDevice', () => {
  it('reads a by-res link without the config', () => {
    expect(needsConfig('/dev/drbd/by-res/r0/0')).toBe(false);
    expect(targetOfDevice('/dev/drbd/by-res/r0/0', undefined, 'hosta')).toBe('r0/0');
    expect(targetOfDevice('/dev/drbd/by-res/r0', undefined, 'hosta')).toBe('r0');
  });

  it("finds a minor in this host's section of the config", () => {
    expect(needsConfig('/dev/drbd0')).toBe(true);
    expect(targetOfDevice('/dev/drbd0', lab, 'hosta')).toBe('r0');
    expect(targetOfDevice('/dev/drbd0', lab, 'hostb')).toBe('r0');
  });

  it('finds a backing disk behind a by-disk link', () => {
    expect(targetOfDevice('/dev/drbd/by-disk/loop0', lab, 'hosta')).toBe('r0');
  });

  it('names the volume where the resource has several', () => {
    const multi = utils.resources.find((r) => (r.hosts[0]?.volumes.length ?? 0) > 1);
    const host = multi?.hosts[0];
    const second = host?.volumes[1];
    expect(second?.minor).toBeDefined();
    expect(targetOfDevice(`/dev/drbd${second?.minor}`, utils, host?.name as string)).toBe(`${multi?.name}/${second?.vnr}`);
  });

  it("is undefined for a minor no resource of this host has, another host's name, or no config", () => {
    expect(targetOfDevice('/dev/drbd9', lab, 'hosta')).toBeUndefined();
    expect(targetOfDevice('/dev/drbd0', lab, 'hostc')).toBeUndefined();
    expect(targetOfDevice('/dev/drbd0', undefined, 'hosta')).toBeUndefined();
  });
});
