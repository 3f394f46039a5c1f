import { fencingOf } from '../../../../src/drbd/parse/fencing';

const dump = (disk: string, handlers: string) =>
  `resource r0 {\n    on alpha {\n        address ipv4 10.0.0.1:7789;\n    }\n${disk}${handlers}}\n`;

describe('fencingOf', () => {
  it('reads the 8.4 disk section and a plain handler path', () => {
    const d = dump(
      '    disk {\n        fencing          resource-only;\n    }\n',
      '    handlers {\n        fence-peer       /usr/lib/drbd/crm-fence-peer.sh;\n    }\n',
    );
    expect(fencingOf(d)).toEqual({ policy: 'resource-only', handler: '/usr/lib/drbd/crm-fence-peer.sh' });
  });

  it('unquotes a handler with arguments (DRBD 9 keeps fencing in net)', () => {
    const d = dump(
      '    net {\n        fencing resource-and-stonith;\n    }\n',
      '    handlers {\n        fence-peer "/usr/lib/drbd/crm-fence-peer.9.sh --timeout 30";\n    }\n',
    );
    expect(fencingOf(d)).toEqual({ policy: 'resource-and-stonith', handler: '/usr/lib/drbd/crm-fence-peer.9.sh --timeout 30' });
  });

  it.each([
    ['no fencing at all', dump('', '    handlers {\n        fence-peer /x;\n    }\n')],
    [
      'fencing dont-care: the handler never runs',
      dump('    disk {\n        fencing dont-care;\n    }\n', '    handlers {\n        fence-peer /x;\n    }\n'),
    ],
    ['fencing without a handler', dump('    disk {\n        fencing resource-only;\n    }\n', '')],
  ])('is undefined with %s', (_what, d) => {
    expect(fencingOf(d)).toBeUndefined();
  });
});
