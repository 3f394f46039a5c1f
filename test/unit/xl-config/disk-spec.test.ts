import { diskToLibxlJson, parseDiskSpec, type DiskSpec } from '../../../src/xl-config';

type Fields = Record<string, string | number | boolean>;

// Each case: the arguments given to `xl -N block-attach 0 ...` (several arguments are pieces of
// one spec) and the libxl JSON fields xl prints, or the error xl prints.
interface Vector {
  readonly args: readonly string[];
  readonly fields?: Fields;
  readonly error?: string;
}

function run(args: readonly string[]): Fields | string {
  const r = parseDiskSpec(args);
  return r.ok ? diskToLibxlJson(r.disk) : r.messages[0];
}

// Inputs and expected fields from xen-project/xen tools/xl/check-xl-disk-parse (itself culled
// from docs/man/xl-disk-configuration.5.pod), restated as data.
const LIBXL_SUITE: ReadonlyArray<readonly [string, Fields | string, ReadonlyArray<readonly string[]>]> = [
  ['a bare word has no vdev', "command line: config parsing error in disk specification: no vdev specified in `foo'", [['foo']]],
  [
    'a logical volume',
    { pdev_path: '/dev/vg/guest-volume', vdev: 'hda', format: 'raw', readwrite: 1 },
    [
      ['/dev/vg/guest-volume,,hda'],
      ['/dev/vg/guest-volume,raw,hda,rw'],
      ['format=raw, vdev=hda, access=rw, target=/dev/vg/guest-volume'],
      ['format=raw', 'vdev=hda', 'access=rw', 'target=/dev/vg/guest-volume'],
      ['raw:/dev/vg/guest-volume,hda,w'],
    ],
  ],
  [
    'an ISO image as CD-ROM',
    { pdev_path: '/root/image.iso', vdev: 'hdc', format: 'raw', removable: 1, is_cdrom: 1 },
    [
      ['/root/image.iso,,hdc,cdrom'],
      ['/root/image.iso,,hdc,,cdrom'],
      ['/root/image.iso,raw,hdc,devtype=cdrom'],
      ['format=raw, vdev=hdc, access=ro, devtype=cdrom, target=/root/image.iso'],
      ['format=raw', 'vdev=hdc', 'access=ro', 'devtype=cdrom', 'target=/root/image.iso'],
      ['raw:/root/image.iso,hdc:cdrom,ro'],
    ],
  ],
  [
    'an explicit phy backend',
    { pdev_path: '/dev/vg/guest-volume', vdev: 'xvdb', backend: 'phy', format: 'raw', readwrite: 1 },
    [['backendtype=phy,vdev=xvdb,access=w,target=/dev/vg/guest-volume']],
  ],
  [
    'an empty CD-ROM drive with an empty target',
    { pdev_path: '', vdev: 'hdc', format: 'empty', removable: 1, is_cdrom: 1 },
    [['devtype=cdrom,,,hdc'], [',,hdc:cdrom,r'], [',hdc:cdrom,r'], ['vdev=hdc,access=r,devtype=cdrom,target='], [',empty,hdc:cdrom,r']],
  ],
  [
    'an empty CD-ROM drive without a target',
    { vdev: 'hdc', format: 'empty', removable: 1, is_cdrom: 1 },
    [['vdev=hdc,access=r,devtype=cdrom,format=empty'], ['vdev=hdc,access=r,devtype=cdrom']],
  ],
  [
    'an iSCSI target through block-iscsi',
    {
      pdev_path: 'iqn.2001-05.com.equallogic:0-8a0906-23fe93404-c82797962054a96d-examplehost',
      vdev: 'xvda',
      format: 'raw',
      script: 'block-iscsi',
      readwrite: 1,
    },
    [
      ['iscsi:iqn.2001-05.com.equallogic:0-8a0906-23fe93404-c82797962054a96d-examplehost,xvda,w'],
      ['vdev=xvda,access=w,script=block-iscsi,target=iqn.2001-05.com.equallogic:0-8a0906-23fe93404-c82797962054a96d-examplehost'],
    ],
  ],
  [
    'a DRBD resource through the drbd: prefix',
    { pdev_path: 'app01', vdev: 'hda', format: 'raw', script: 'block-drbd', readwrite: 1 },
    [['drbd:app01,hda,w']],
  ],
  [
    'discard enabled',
    { pdev_path: '/some/disk/image.raw', vdev: 'hda', format: 'raw', readwrite: 1, discard_enable: 'True' },
    [['discard', 'vdev=hda', 'target=/some/disk/image.raw']],
  ],
  [
    'a CD-ROM with discard disabled',
    { pdev_path: '/some/disk/image.iso', vdev: 'hda', format: 'raw', removable: 1, is_cdrom: 1, discard_enable: 'False' },
    [['cdrom', 'no-discard', 'vdev=hda', 'target=/some/disk/image.iso']],
  ],
  [
    'a trusted backend',
    { pdev_path: '/some/disk/image.raw', vdev: 'hda', format: 'raw', readwrite: 1, trusted: 'True' },
    [['trusted', 'vdev=hda', 'target=/some/disk/image.raw']],
  ],
  [
    'an untrusted backend',
    { pdev_path: '/some/disk/image.raw', vdev: 'hda', format: 'raw', readwrite: 1, trusted: 'False' },
    [['untrusted', 'vdev=hda', 'target=/some/disk/image.raw']],
  ],
];

describe("libxl's check-xl-disk-parse vectors", () => {
  for (const [title, expected, cases] of LIBXL_SUITE) {
    describe(title, () => {
      test.each(cases.map((args) => [JSON.stringify(args), args] as const))('%s', (_, args) => {
        expect(run(args)).toEqual(expected);
      });
    });
  }
});

const E = (message: string, spec: string, near?: string) =>
  `command line: config parsing error in disk specification: ${message}${near === undefined ? '' : `: near \`${near}'`} in \`${spec}'`;

// Further cases, each result confirmed by running libxl's own parser (libxlu_disk.c and the
// flex scanner generated from libxlu_disk_l.l at xen-project/xen c447b7308b) on the same input.
const CONFIRMED: readonly Vector[] = [
  // The DRBD forms.
  {
    args: ['vdev=xvda,access=rw,script=block-drbd,target=r0'],
    fields: { pdev_path: 'r0', vdev: 'xvda', format: 'raw', script: 'block-drbd', readwrite: 1 },
  },
  { args: ['drbd:r0/1,xvdb,r'], fields: { pdev_path: 'r0/1', vdev: 'xvdb', format: 'raw', script: 'block-drbd' } },
  { args: ['phy:/dev/drbd0,xvda,w'], fields: { pdev_path: '/dev/drbd0', vdev: 'xvda', format: 'raw', readwrite: 1 } },
  { args: ['drbd:r0,xvda,w,script=block-other'], error: E('script respecified', 'drbd:r0,xvda,w,script=block-other', 'block-other') },
  { args: ['script=block-drbd,drbd:r0,xvda'], error: E('script respecified', 'script=block-drbd,drbd:r0,xvda', 'block-drbd') },
  // Without a prefix the second positional is the format, so the LINBIT shorthand needs drbd:.
  { args: ['r0,xvda,w'], error: E('unknown value for format', 'r0,xvda,w', 'xvda') },
  // Other deprecated prefixes, stacked ones included.
  { args: ['tap:aio:/img/x.img,xvda,w'], fields: { pdev_path: '/img/x.img', vdev: 'xvda', format: 'raw', readwrite: 1 } },
  { args: ['tap:qcow2:/img/x.qcow2,xvda,w'], fields: { pdev_path: '/img/x.qcow2', vdev: 'xvda', format: 'qcow2', readwrite: 1 } },
  { args: ['nbd:host:1234,xvda,w'], fields: { pdev_path: 'host:1234', vdev: 'xvda', format: 'raw', script: 'block-nbd', readwrite: 1 } },
  { args: ['enbd:x,xvda'], fields: { pdev_path: 'x', vdev: 'xvda', format: 'raw', script: 'block-enbd', readwrite: 1 } },
  { args: ['foo:/dev/x,hda'], error: E('unknown deprecated disk prefix', 'foo:/dev/x,hda', 'foo:') },
  // A letter after the colon, or an upper-case prefix, makes it an ordinary target.
  { args: ['foo:bar,hda'], error: E('unknown value for format', 'foo:bar,hda', 'hda') },
  { args: ['Foo:/dev/x,hda'], error: E('unknown value for format', 'Foo:/dev/x,hda', 'hda') },
  // target= swallows the rest, commas included; a trailing comma is dropped.
  { args: ['vdev=x,target=y,cdrom'], fields: { pdev_path: 'y,cdrom', vdev: 'x', format: 'raw', readwrite: 1 } },
  { args: ['vdev=x, target= y '], fields: { pdev_path: ' y ', vdev: 'x', format: 'raw', readwrite: 1 } },
  { args: ['target=,target=y,vdev=x'], error: E('no vdev specified', 'target=,target=y,vdev=x') },
  { args: ['target=r0,'], error: E('no vdev specified', 'target=r0,') },
  // Unknown keys are quoted with one character of value.
  { args: ['foo=bar,vdev=x,target=y'], error: E('unknown parameter', 'foo=bar,vdev=x,target=y', 'foo=b') },
  { args: ['xvda,=x'], error: E('bad disk syntax', 'xvda,=x', '=x') },
  { args: ['grant_usage=2,vdev=x,target=y'], error: E('bad disk syntax', 'grant_usage=2,vdev=x,target=y', '=2,vdev=x,target=y') },
  // A '=' at the very end is dropped without complaint.
  { args: ['vdev=xvda,foo='], fields: { pdev_path: 'foo', vdev: 'xvda', format: 'raw', readwrite: 1 } },
  { args: ['/dev/x,raw,xvda,w,extra'], error: E('too many positional parameters', '/dev/x,raw,xvda,w,extra', 'extra') },
  { args: ['/dev/x,bogus,xvda'], error: E('unknown value for format', '/dev/x,bogus,xvda', 'bogus') },
  { args: ['/dev/x,,xvda,rx'], error: E('unknown value for access', '/dev/x,,xvda,rx', 'rx') },
  { args: ['access=x,vdev=x,target=y'], error: E('unknown value for access', 'access=x,vdev=x,target=y', 'x') },
  { args: ['raw:/x,qcow2,xvda'], error: E('unknown value for access', 'raw:/x,qcow2,xvda', 'xvda') },
  // Repeats: same enum value is fine, a different one is not; an empty string may be replaced.
  { args: ['format=raw,format=raw,vdev=x,target=y'], fields: { pdev_path: 'y', vdev: 'x', format: 'raw', readwrite: 1 } },
  { args: ['format=raw,format=qcow2,vdev=x,target=y'], error: E('format respecified', 'format=raw,format=qcow2,vdev=x,target=y', 'qcow2') },
  {
    args: ['backendtype=phy,backendtype=qdisk,vdev=x,target=y'],
    error: E('backend respecified', 'backendtype=phy,backendtype=qdisk,vdev=x,target=y', 'qdisk'),
  },
  { args: ['vdev=x,vdev=y,target=z'], error: E('vdev respecified', 'vdev=x,vdev=y,target=z', 'y') },
  {
    args: ['backend=dom1,backend=dom2,vdev=x,target=y'],
    error: E('backend respecified', 'backend=dom1,backend=dom2,vdev=x,target=y', 'dom2'),
  },
  { args: ['vdev=,vdev=x,target=y'], fields: { pdev_path: 'y', vdev: 'x', format: 'raw', readwrite: 1 } },
  { args: ['devtype=floppy,vdev=x,target=y'], error: E('unknown value for type', 'devtype=floppy,vdev=x,target=y', 'devtype=floppy,') },
  { args: [',,hdc:floppy'], error: E('unknown deprecated type', ',,hdc:floppy', 'floppy') },
  { args: ['backendtype=nfs,vdev=x,target=y'], error: E('unknown value for backendtype', 'backendtype=nfs,vdev=x,target=y', 'nfs') },
  {
    args: ['specification=scsi,vdev=x,target=y'],
    error: E('unknown value for specification', 'specification=scsi,vdev=x,target=y', 'scsi'),
  },
  {
    args: ['specification=virtio,vdev=x,target=y'],
    fields: { pdev_path: 'y', vdev: 'x', format: 'raw', readwrite: 1, specification: 'virtio' },
  },
  { args: ['colo-port=0,vdev=x,target=y'], error: E('unknown value for colo_port', 'colo-port=0,vdev=x,target=y', '0') },
  // atoi: the port wraps to a C int.
  {
    args: ['colo-port=99999999999,vdev=x,target=y'],
    fields: { pdev_path: 'y', vdev: 'x', format: 'raw', readwrite: 1, colo_port: 1215752191 },
  },
  {
    args: ['grant_usage=1,direct-io-safe,vdev=x,target=y'],
    fields: { pdev_path: 'y', vdev: 'x', format: 'raw', readwrite: 1, direct_io_safe: true, grant_usage: 'True' },
  },
  {
    args: ['backend=dom0,colo,colo-host=h,colo-export=e,active-disk=a,hidden-disk=b,colo-port=7,vdev=x,target=y'],
    fields: {
      backend_domname: 'dom0',
      pdev_path: 'y',
      vdev: 'x',
      format: 'raw',
      readwrite: 1,
      colo_enable: 'True',
      colo_host: 'h',
      colo_port: 7,
      colo_export: 'e',
      active_disk: 'a',
      hidden_disk: 'b',
    },
  },
  // The last of two contradicting flags wins.
  {
    args: ['discard,no-discard,vdev=x,target=y'],
    fields: { pdev_path: 'y', vdev: 'x', format: 'raw', readwrite: 1, discard_enable: 'False' },
  },
  { args: ['colo,no-colo,vdev=x,target=y'], fields: { pdev_path: 'y', vdev: 'x', format: 'raw', readwrite: 1, colo_enable: 'False' } },
  { args: ['cdromx,xvda'], error: E('unknown value for format', 'cdromx,xvda', 'xvda') },
  { args: ['vdev=xvda'], error: E('no target specified (and device not removable)', 'vdev=xvda') },
  // A newline inside a positional parameter is kept; '=' before a newline makes flex give up.
  { args: ['/x,,xvda\n,w'], fields: { pdev_path: '/x', vdev: 'xvda\n', format: 'raw', readwrite: 1 } },
  { args: ['xvda,=\nfoo'], error: 'flex scanner jammed' },
  { args: ['/x\t,,xvda'], fields: { pdev_path: '/x\t', vdev: 'xvda', format: 'raw', readwrite: 1 } },
  // Pieces share one disk: a second target= is a respecification, reported for its own piece.
  {
    args: ['vdev=xvda,target=a', 'target=b'],
    error: "command line: config parsing error in disk specification: target respecified: near `b' in `target=b'",
  },
  { args: ['drbd:r0', 'xvda', 'w'], fields: { pdev_path: 'r0', vdev: 'xvda', format: 'raw', script: 'block-drbd', readwrite: 1 } },
];

describe('disk specs confirmed against libxl', () => {
  test.each(CONFIRMED.map((v) => [JSON.stringify(v.args), v] as const))('%s', (_, v) => {
    expect(run(v.args)).toEqual(v.fields ?? v.error);
  });
});

// Blanks and newlines, each result from Debian's xl 4.17.5 (libxlutil's xlu_disk_parse, run on the
// same input). libxl skips blanks (space, tab, newline) only before a parameter: a positional value
// or a key's value runs to the next comma, so what follows the last one is part of it and
// `/srv/xen/a,raw,xvda,rw\n` is refused (access "rw\n"), while a trailing comma, or target=, whose
// value stops at a newline, leaves the newline to be skipped. A carriage return is no blank.
const BLANKS: readonly Vector[] = [
  { args: ['/srv/xen/a,raw,xvda,rw\n'], error: E('unknown value for access', '/srv/xen/a,raw,xvda,rw\n', 'rw\n') },
  { args: ['/srv/xen/a,raw,xvda,rw\r\n'], error: E('unknown value for access', '/srv/xen/a,raw,xvda,rw\r\n', 'rw\r\n') },
  { args: ['/srv/xen/a,raw,xvda,rw '], error: E('unknown value for access', '/srv/xen/a,raw,xvda,rw ', 'rw ') },
  { args: ['/srv/xen/a,raw,xvda,rw\t'], error: E('unknown value for access', '/srv/xen/a,raw,xvda,rw\t', 'rw\t') },
  { args: ['/srv/xen/a,raw,xvda,rw,\n'], fields: { pdev_path: '/srv/xen/a', vdev: 'xvda', format: 'raw', readwrite: 1 } },
  { args: ['/srv/xen/a,raw,xvda,rw,\t\n '], fields: { pdev_path: '/srv/xen/a', vdev: 'xvda', format: 'raw', readwrite: 1 } },
  { args: ['/srv/xen/a,raw,xvda\n'], fields: { pdev_path: '/srv/xen/a', vdev: 'xvda\n', format: 'raw', readwrite: 1 } },
  { args: ['/srv/xen/a,raw,xvda, \n'], fields: { pdev_path: '/srv/xen/a', vdev: 'xvda', format: 'raw', readwrite: 1 } },
  { args: ['\n/srv/xen/a,raw,xvda,rw'], fields: { pdev_path: '/srv/xen/a', vdev: 'xvda', format: 'raw', readwrite: 1 } },
  { args: ['\r/srv/xen/a,raw,xvda,rw'], fields: { pdev_path: '\r/srv/xen/a', vdev: 'xvda', format: 'raw', readwrite: 1 } },
  { args: ['/srv/xen/a, raw, xvda, rw'], fields: { pdev_path: '/srv/xen/a', vdev: 'xvda', format: 'raw', readwrite: 1 } },
  { args: ['/srv/xen/a,raw ,xvda,rw'], error: E('unknown value for format', '/srv/xen/a,raw ,xvda,rw', 'raw ') },
  { args: ['drbd:r0,xvda,w\n'], error: E('unknown value for access', 'drbd:r0,xvda,w\n', 'w\n') },
  { args: ['drbd:r0,xvda,w,\n'], fields: { pdev_path: 'r0', vdev: 'xvda', format: 'raw', script: 'block-drbd', readwrite: 1 } },
  { args: ['drbd:r0\n,xvda,w'], error: E('unknown value for format', 'drbd:r0\n,xvda,w', 'xvda') },
  { args: ['drbd:\nr0,xvda,w'], error: E('unknown deprecated disk prefix', 'drbd:\nr0,xvda,w', 'drbd:') },
  { args: ['vdev=xvda,target=/a\n'], fields: { pdev_path: '/a', vdev: 'xvda', format: 'raw', readwrite: 1 } },
  { args: ['vdev=xvda,target=/a\nb'], error: E('unknown value for format', 'vdev=xvda,target=/a\nb', 'b') },
  { args: ['vdev=xvda,access=rw\n,target=/a'], error: E('unknown value for access', 'vdev=xvda,access=rw\n,target=/a', 'rw\n') },
  { args: ['target=/a,vdev=xvda\n'], error: E('no vdev specified', 'target=/a,vdev=xvda\n') },
  { args: ['/x,,hdc,cdrom,\n'], fields: { pdev_path: '/x', vdev: 'hdc', format: 'raw', removable: 1, is_cdrom: 1 } },
  { args: ['/x,,xvda,w,discard\n'], error: E('too many positional parameters', '/x,,xvda,w,discard\n', 'discard\n') },
  { args: [' \n '], error: E('no vdev specified', ' \n ') },
  { args: ['drbd:r0', 'xvda', 'w\n'], error: E('unknown value for access', 'w\n', 'w\n') },
  { args: ['vdev=xvda', 'target=r0\n'], fields: { pdev_path: 'r0', vdev: 'xvda', format: 'raw', readwrite: 1 } },
];

describe('blanks and newlines as xl 4.17 reads them', () => {
  test.each(BLANKS.map((v) => [JSON.stringify(v.args), v] as const))('%s', (_, v) => {
    expect(run(v.args)).toEqual(v.fields ?? v.error);
  });
});

describe('DiskSpec fields', () => {
  test('drbd: gives the typed disk block-drbd will receive', () => {
    const r = parseDiskSpec('drbd:r0,xvda,w');
    expect(r.ok).toBe(true);
    const disk = (r as { disk: DiskSpec }).disk;
    expect(disk).toMatchObject({
      pdevPath: 'r0',
      vdev: 'xvda',
      script: 'block-drbd',
      format: 'raw',
      backend: 'unknown',
      readwrite: 1,
      isCdrom: 0,
    });
    expect(disk.backendDomname).toBeUndefined();
  });

  test('messages name the source they came from', () => {
    const r = parseDiskSpec('foo', '/etc/xen/vm1.cfg');
    expect(r).toEqual({
      ok: false,
      messages: ["/etc/xen/vm1.cfg: config parsing error in disk specification: no vdev specified in `foo'"],
    });
  });

  test('errors that do not stop the scan are all reported, in order', () => {
    const r = parseDiskSpec('format=bad,access=bad,vdev=x,target=y');
    expect(r.ok ? [] : r.messages).toEqual([
      E('unknown value for format', 'format=bad,access=bad,vdev=x,target=y', 'bad'),
      E('unknown value for access', 'format=bad,access=bad,vdev=x,target=y', 'bad'),
    ]);
  });
});
