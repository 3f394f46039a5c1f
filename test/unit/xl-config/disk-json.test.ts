import { diskToLibxlJson, formatBlockAttachDryRun, formatLibxlJson, parseDiskSpec, type DiskSpec } from '../../../src/xl-config';

function disk(spec: string | string[]): DiskSpec {
  const r = parseDiskSpec(spec);
  if (!r.ok) throw new Error(r.messages[0]);
  return r.disk;
}

describe('xl -N block-attach output', () => {
  // Byte for byte the expected output in xen-project/xen tools/xl/check-xl-disk-parse.
  test('drbd:app01,hda,w', () => {
    expect(formatBlockAttachDryRun(disk('drbd:app01,hda,w'))).toBe(
      'disk: {\n' +
        '    "pdev_path": "app01",\n' +
        '    "vdev": "hda",\n' +
        '    "format": "raw",\n' +
        '    "script": "block-drbd",\n' +
        '    "readwrite": 1\n' +
        '}\n' +
        '\n',
    );
  });

  test('an empty CD-ROM drive', () => {
    expect(formatBlockAttachDryRun(disk('vdev=hdc,access=r,devtype=cdrom'))).toBe(
      'disk: {\n    "vdev": "hdc",\n    "format": "empty",\n    "removable": 1,\n    "is_cdrom": 1\n}\n\n',
    );
  });

  test('defbools print as "True"/"False", bools as true', () => {
    expect(formatLibxlJson(diskToLibxlJson(disk('direct-io-safe,no-discard,trusted,vdev=xvda,target=r0')))).toBe(
      '{\n' +
        '    "pdev_path": "r0",\n' +
        '    "vdev": "xvda",\n' +
        '    "format": "raw",\n' +
        '    "readwrite": 1,\n' +
        '    "direct_io_safe": true,\n' +
        '    "discard_enable": "False",\n' +
        '    "trusted": "True"\n' +
        '}\n',
    );
  });
});

describe('libxl field order and defaults', () => {
  test('every field set comes out in libxl_types.idl order', () => {
    const all: DiskSpec = {
      backendDomid: 3,
      backendDomname: 'drv',
      pdevPath: 'r0',
      vdev: 'xvda',
      backend: 'phy',
      format: 'raw',
      script: 'block-drbd',
      removable: 1,
      readwrite: 1,
      isCdrom: 1,
      directIoSafe: true,
      discardEnable: 'true',
      specification: 'virtio',
      transport: 'mmio',
      irq: 33,
      base: 4096,
      coloEnable: 'false',
      coloRestoreEnable: 'true',
      coloHost: 'h',
      coloPort: 9,
      coloExport: 'e',
      activeDisk: 'a',
      hiddenDisk: 'b',
      trusted: 'false',
      grantUsage: 'true',
    };
    expect(Object.keys(diskToLibxlJson(all))).toEqual([
      'backend_domid',
      'backend_domname',
      'pdev_path',
      'vdev',
      'backend',
      'format',
      'script',
      'removable',
      'readwrite',
      'is_cdrom',
      'direct_io_safe',
      'discard_enable',
      'specification',
      'transport',
      'irq',
      'base',
      'colo_enable',
      'colo_restore_enable',
      'colo_host',
      'colo_port',
      'colo_export',
      'active_disk',
      'hidden_disk',
      'trusted',
      'grant_usage',
    ]);
  });

  test('a read-only disk omits readwrite, an empty target is kept', () => {
    expect(diskToLibxlJson(disk(',,hdc:cdrom,r'))).toEqual({ pdev_path: '', vdev: 'hdc', format: 'empty', removable: 1, is_cdrom: 1 });
    expect(diskToLibxlJson(disk('drbd:r0,xvda,r'))).toEqual({ pdev_path: 'r0', vdev: 'xvda', format: 'raw', script: 'block-drbd' });
  });
});

describe("yajl's string escaping", () => {
  test('short escapes, upper-case \\u00XX for other control characters, "/" left alone', () => {
    expect(formatLibxlJson({ s: 'a"b\\c/d\n\t\x1b\x7f' })).toBe('{\n    "s": "a\\"b\\\\c/d\\n\\t\\u001B\x7f"\n}\n');
  });
});
