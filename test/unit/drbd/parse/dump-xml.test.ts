// `drbdadm dump-xml` parsed from real drbd-utils 9.22 and DRBD 8.4 (lab) outputs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { effectiveOption, parseDumpXml } from '../../../../src/drbd/parse/dump-xml';

const utils = (name: string) => readFileSync(join(__dirname, '../../../fixtures/drbd-utils-9.22-nomodule/outputs', name), 'utf8');
const lab84 = (name: string) => readFileSync(join(__dirname, '../../../fixtures/drbd84', name), 'utf8');

describe('parseDumpXml', () => {
  test('all resources (<config> root): hosts, volumes, devices by path or minor only, options', async () => {
    const dump = await parseDumpXml(utils('dump-xml-all.stdout'));
    expect(dump.common.size).toBe(0);
    expect(dump.resources.map((r) => r.name)).toEqual(['r0', 'r1']);
    const [r0, r1] = dump.resources;
    expect(r0?.definedAt).toBe('/etc/drbd.d/r0.res:1');
    expect(r0?.hosts).toEqual([
      { name: 'alpha', volumes: [{ vnr: 0, minor: 0, device: '/dev/drbd0', disk: '/dev/loop0' }] },
      { name: 'bravo', volumes: [{ vnr: 0, minor: 0, device: '/dev/drbd0', disk: '/dev/loop0' }] },
    ]);
    expect(r0?.sections.get('net')).toEqual(
      new Map([
        ['protocol', 'C'],
        ['allow-two-primaries', 'yes'],
      ]),
    );
    expect(r0?.connections).toEqual([{ hosts: ['alpha', 'bravo'], sections: new Map() }]);
    expect(r1?.hosts[0]?.volumes).toEqual([
      { vnr: 0, minor: 10, device: undefined, disk: '/dev/vg0/vm1-disk' },
      { vnr: 1, minor: 11, device: undefined, disk: '/dev/vg0/vm1-swap' },
    ]);
    expect(r1?.sections.get('disk')?.get('on-io-error')).toBe('detach');
  });

  test('one resource (<resource> root), with the extra _name option in the connection', async () => {
    const dump = await parseDumpXml(utils('dump-xml-r0.stdout'));
    expect(dump.resources.map((r) => r.name)).toEqual(['r0']);
    expect(dump.resources[0]?.connections[0]?.hosts).toEqual(['alpha', 'bravo']);
  });

  test.each([
    ['lab 8.4 r0', lab84('drbdadm_dump_xml_r0.stdout'), ['hosta', 'hostb'], 1],
    ['lab 8.4 r1, two volumes', lab84('drbdadm_dump_xml_r1.stdout'), ['hosta', 'hostb'], 2],
    ['8.4 syntax through drbdadm 9', utils('drbd84-syntax-dump-xml-with-drbdadm9.stdout'), ['alpha', 'bravo'], 1],
    ['8.4 syntax through drbdadm-84', utils('drbd84-syntax-dump-xml-with-drbdadm84.stdout'), ['alpha', 'bravo'], 1],
  ])('%s', async (_, xml, hosts, volumes) => {
    const [res] = (await parseDumpXml(xml)).resources;
    expect(res?.hosts.map((h) => h.name)).toEqual(hosts);
    expect(res?.hosts[0]?.volumes).toHaveLength(volumes);
    expect(res?.sections.get('net')?.get('protocol')).toBe('C');
  });

  test('an element it does not know changes nothing', async () => {
    const xml = utils('dump-xml-all.stdout');
    const extended = xml.replace(/<host name="alpha">/g, '<host name="alpha"><xxx bla="1"/>').replace('<common>', '<common><future/>');
    expect(await parseDumpXml(extended)).toEqual(await parseDumpXml(xml));
  });

  test('an unknown root and non-XML are errors that say so', async () => {
    await expect(parseDumpXml('<drbd></drbd>')).rejects.toThrow('unexpected root element <drbd>');
    await expect(parseDumpXml(utils('err-unknown-resource-dump.stderr'))).rejects.toThrow(/^drbdadm dump-xml: not XML/);
  });

  test('effective options: connection over resource over common', async () => {
    const xml = `<config file="/etc/drbd.conf">
      <common><section name="net"><option name="protocol" value="A"/><option name="verify-alg" value="md5"/><option name="fencing" value="resource-only"/></section></common>
      <resource name="r0"><host name="a"/><host name="b"/>
        <connection><host name="a"/><host name="b"/><section name="net"><option name="protocol" value="C"/></section></connection>
        <section name="net"><option name="protocol" value="B"/><option name="verify-alg" value="crc32c"/></section>
      </resource></config>`;
    const dump = await parseDumpXml(xml);
    const r0 = dump.resources[0]!;
    expect(effectiveOption(dump, r0, 'net', 'protocol')).toBe('C');
    expect(effectiveOption(dump, r0, 'net', 'verify-alg')).toBe('crc32c');
    expect(effectiveOption(dump, r0, 'net', 'fencing')).toBe('resource-only');
    expect(effectiveOption(dump, r0, 'disk', 'fencing')).toBeUndefined();
  });
});
