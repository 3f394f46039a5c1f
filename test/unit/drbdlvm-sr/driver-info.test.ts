import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CAPABILITIES, DRIVER_INFO, DRIVER_VERSION } from '../../../src/drbdlvm-sr/driver-info';

describe('sr_get_driver_info', () => {
  it('has every key xapi requires, as strings (docs/smapi.md §9)', () => {
    for (const key of ['name', 'description', 'vendor', 'copyright', 'driver_version', 'required_api_version']) {
      expect(typeof DRIVER_INFO[key]).toBe('string');
    }
    expect(DRIVER_INFO.required_api_version).toBe('1.0');
    expect(DRIVER_INFO.name).toBe('drbdlvm');
  });

  it('never advertises the capabilities that would put the HA statefile on the SR', () => {
    expect(CAPABILITIES).not.toContain('VDI_GENERATE_CONFIG');
    expect(CAPABILITIES).not.toContain('VDI_ATTACH_OFFLINE');
  });

  it('advertises VDI_ACTIVATE/DEACTIVATE, without which xapi never calls the guard rail', () => {
    expect(CAPABILITIES).toEqual(expect.arrayContaining(['VDI_ACTIVATE', 'VDI_DEACTIVATE', 'VDI_ATTACH', 'VDI_DETACH']));
  });

  it('leaves out snapshot and clone (see driver-info.ts for why)', () => {
    expect(CAPABILITIES).not.toContain('VDI_SNAPSHOT');
    expect(CAPABILITIES).not.toContain('VDI_CLONE');
  });

  it('lists the device-config keys the schema accepts from admins', () => {
    const schema = JSON.parse(readFileSync(join(__dirname, '../../../src/drbdlvm-sr/device-config.schema.json'), 'utf8'));
    const keys = (DRIVER_INFO.configuration as Array<{ key: string }>).map((c) => c.key);
    expect(keys).toEqual(Object.keys(schema.properties).filter((k) => k !== 'SRmaster'));
  });

  it("carries the package's version", () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8'));
    expect(DRIVER_VERSION).toBe(pkg.version);
  });
});
