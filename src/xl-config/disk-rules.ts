// The rules of libxl's disk spec scanner (xen-project/xen tools/libs/util/libxlu_disk_l.l), in
// libxl's order, with the actions they run on the disk being built.
import type { DiskFormat, DiskSpec } from './disk-types';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type Disk = Mutable<DiskSpec>;

export interface Context {
  readonly source: string;
  readonly disk: Disk;
  readonly messages: string[];
  spec: string;
  accessSet: boolean;
  hadDeprecatedPrefix: boolean;
}

/** What a rule's action tells the scanner: go on, or stop scanning this spec (libxl's return 0). */
export type Next = 'continue' | 'stop';

export interface Rule {
  /** Sticky; group 1, when present, is the text consumed (the rest is trailing context). */
  readonly pattern: RegExp;
  readonly action: (ctx: Context, text: string) => Next | void;
}

/** Records a message worded and laid out as libxl's xlu__disk_err prints it. */
export function error(ctx: Context, near: string | undefined, message: string): void {
  const where = near === undefined ? '' : `: near \`${near}'`;
  ctx.messages.push(`${ctx.source}: config parsing error in disk specification: ${message}${where} in \`${ctx.spec}'`);
}

const stripComma = (text: string): string => (text.endsWith(',') ? text.slice(0, -1) : text);
const afterEquals = (text: string): string => stripComma(text).slice(text.indexOf('=') + 1);

type StringField = 'backendDomname' | 'pdevPath' | 'vdev' | 'script' | 'coloHost' | 'coloExport' | 'activeDisk' | 'hiddenDisk';

// A string may be given once; an empty earlier value may be overwritten silently.
function saveString(ctx: Context, what: string, field: StringField, value: string): void {
  const current = ctx.disk[field];
  if (current !== undefined && current !== '') {
    error(ctx, value, `${what} respecified`);
    return;
  }
  ctx.disk[field] = value;
}

type EnumField = 'format' | 'backend' | 'specification';

// An enum may be repeated with the same value but not changed.
function setEnum<F extends EnumField>(ctx: Context, field: F, value: Disk[F], text: string): void {
  const current = ctx.disk[field];
  if (current !== 'unknown' && current !== value) {
    error(ctx, text, `${field} respecified`);
    return;
  }
  ctx.disk[field] = value;
}

const FORMATS: Readonly<Record<string, DiskFormat>> = {
  '': 'raw',
  raw: 'raw',
  qcow: 'qcow',
  qcow2: 'qcow2',
  vhd: 'vhd',
  empty: 'empty',
  qed: 'qed',
};

function setFormat(ctx: Context, text: string): void {
  const format = FORMATS[text];
  if (format === undefined) error(ctx, text, 'unknown value for format');
  else setEnum(ctx, 'format', format, text);
}

function setAccess(ctx: Context, text: string): void {
  if (text === 'r' || text === 'ro') ctx.disk.readwrite = 0;
  else if (text === 'rw' || text === 'w' || text === '') ctx.disk.readwrite = 1;
  else error(ctx, text, 'unknown value for access');
}

function setBackendType(ctx: Context, text: string): void {
  if (text === 'phy' || text === 'tap' || text === 'qdisk' || text === 'standalone') setEnum(ctx, 'backend', text, text);
  else error(ctx, text, 'unknown value for backendtype');
}

function setSpecification(ctx: Context, text: string): void {
  if (text === 'xen' || text === 'virtio') setEnum(ctx, 'specification', text, text);
  else error(ctx, text, 'unknown value for specification');
}

function setColoPort(ctx: Context, text: string): void {
  const port = atoi(text);
  if (port !== 0) ctx.disk.coloPort = port;
  else error(ctx, text, 'unknown value for colo_port');
}

// glibc atoi: (int)strtol(text, NULL, 10), so out-of-range values clamp to a long, then wrap.
function atoi(text: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?[0-9]+)/.exec(text);
  if (m === null) return 0;
  const LONG_MAX = 2n ** 63n - 1n;
  const LONG_MIN = -(2n ** 63n);
  let value = BigInt(m[1] as string);
  if (value > LONG_MAX) value = LONG_MAX;
  if (value < LONG_MIN) value = LONG_MIN;
  return Number(BigInt.asIntN(32, value));
}

// "vdev:cdrom" / "vdev:disk", the pre-devtype= way of marking a CD-ROM; false if no colon.
function vdevAndDevtype(ctx: Context, text: string): boolean {
  const colon = text.lastIndexOf(':');
  if (colon < 0) return false;
  saveString(ctx, 'vdev', 'vdev', text.slice(0, colon));
  const type = text.slice(colon + 1);
  if (type === 'cdrom') ctx.disk.isCdrom = 1;
  else if (type === 'disk') ctx.disk.isCdrom = 0;
  else error(ctx, type, 'unknown deprecated type');
  return true;
}

// Positional parameters fill target, format, vdev, access in that order; after a deprecated
// prefix ("drbd:r0,xvda,w") the format slot is skipped.
function positional(ctx: Context, raw: string): Next {
  const text = stripComma(raw);
  const d = ctx.disk;
  if (ctx.messages.length > 0) {
    // libxl skips positionals after an error: they would only produce follow-on errors.
  } else if (d.pdevPath === undefined) {
    saveString(ctx, 'target', 'pdevPath', text);
  } else if (!ctx.hadDeprecatedPrefix && d.format === 'unknown') {
    if (d.pdevPath === '' && vdevAndDevtype(ctx, text)) d.format = 'empty';
    else setFormat(ctx, text);
  } else if (d.vdev === undefined) {
    if (!vdevAndDevtype(ctx, text)) saveString(ctx, 'vdev', 'vdev', text);
  } else if (!ctx.accessSet) {
    ctx.accessSet = true;
    setAccess(ctx, text);
  } else {
    error(ctx, text, 'too many positional parameters');
    return 'stop';
  }
  return 'continue';
}

function deprecatedPrefix(ctx: Context): void {
  ctx.hadDeprecatedPrefix = true;
}

const key = (name: string) => new RegExp(`${name}=[^,]*,?`, 'y');
const flag = (name: string) => new RegExp(`${name},?`, 'y');
// A prefix rule matches to the end of the line so that it beats any other rule.
const prefix = (names: string) => new RegExp(`((?:${names}):)[^\\n]*`, 'y');

// libxl's rules, in libxl's order (the order breaks ties between equally long matches).
export const RULES: readonly Rule[] = [
  // Blanks before a parameter; the lookahead makes this win over a positional starting blank.
  { pattern: /([ \t\n]+)(?:[^ \t\n][^\n]*)?/y, action: () => {} },
  { pattern: key('format'), action: (ctx, t) => setFormat(ctx, afterEquals(t)) },
  { pattern: flag('cdrom'), action: (ctx) => void (ctx.disk.isCdrom = 1) },
  { pattern: flag('devtype=cdrom'), action: (ctx) => void (ctx.disk.isCdrom = 1) },
  { pattern: flag('devtype=disk'), action: (ctx) => void (ctx.disk.isCdrom = 0) },
  { pattern: key('devtype'), action: (ctx, t) => error(ctx, t, 'unknown value for type') },
  { pattern: key('access'), action: (ctx, t) => setAccess(ctx, afterEquals(t)) },
  { pattern: key('backend'), action: (ctx, t) => saveString(ctx, 'backend', 'backendDomname', afterEquals(t)) },
  { pattern: key('backendtype'), action: (ctx, t) => setBackendType(ctx, afterEquals(t)) },
  { pattern: key('specification'), action: (ctx, t) => setSpecification(ctx, afterEquals(t)) },
  { pattern: key('vdev'), action: (ctx, t) => saveString(ctx, 'vdev', 'vdev', afterEquals(t)) },
  { pattern: key('script'), action: (ctx, t) => saveString(ctx, 'script', 'script', afterEquals(t)) },
  { pattern: flag('direct-io-safe'), action: (ctx) => void (ctx.disk.directIoSafe = true) },
  { pattern: flag('discard'), action: (ctx) => void (ctx.disk.discardEnable = 'true') },
  { pattern: flag('no-discard'), action: (ctx) => void (ctx.disk.discardEnable = 'false') },
  // libxl marks the COLO settings unstable; they are parsed all the same.
  { pattern: flag('colo'), action: (ctx) => void (ctx.disk.coloEnable = 'true') },
  { pattern: flag('no-colo'), action: (ctx) => void (ctx.disk.coloEnable = 'false') },
  { pattern: key('colo-host'), action: (ctx, t) => saveString(ctx, 'colo-host', 'coloHost', afterEquals(t)) },
  { pattern: key('colo-port'), action: (ctx, t) => setColoPort(ctx, afterEquals(t)) },
  { pattern: key('colo-export'), action: (ctx, t) => saveString(ctx, 'colo-export', 'coloExport', afterEquals(t)) },
  { pattern: key('active-disk'), action: (ctx, t) => saveString(ctx, 'active-disk', 'activeDisk', afterEquals(t)) },
  { pattern: key('hidden-disk'), action: (ctx, t) => saveString(ctx, 'hidden-disk', 'hiddenDisk', afterEquals(t)) },
  // trusted/untrusted came after Xen 4.17 too: xl 4.17 takes the word for the target (lab scenario 13).
  { pattern: flag('trusted'), action: (ctx) => void (ctx.disk.trusted = 'true') },
  { pattern: flag('untrusted'), action: (ctx) => void (ctx.disk.trusted = 'false') },
  // grant_usage= came after Xen 4.17: xl 4.17 rejects both as bad disk syntax (lab scenario 13).
  { pattern: flag('grant_usage=1'), action: (ctx) => void (ctx.disk.grantUsage = 'true') },
  { pattern: flag('grant_usage=0'), action: (ctx) => void (ctx.disk.grantUsage = 'false') },
  // target= takes the rest of the line, commas and colons included (a trailing comma is dropped).
  { pattern: /target=[^\n]*/y, action: (ctx, t) => saveString(ctx, 'target', 'pdevPath', afterEquals(t)) },
  // Sic: an unknown key is matched with exactly one character of value ("foo=b" of "foo=bar").
  { pattern: /[a-z][-a-z0-9]*=[^,],?/y, action: (ctx, t) => error(ctx, t, 'unknown parameter') },
  {
    pattern: prefix('raw|qcow2?|vhd'),
    action: (ctx, t) => {
      deprecatedPrefix(ctx);
      setFormat(ctx, t.slice(0, -1));
    },
  },
  {
    // "drbd:r0" means script=block-drbd with target r0.
    pattern: prefix('iscsi|e?nbd|drbd'),
    action: (ctx, t) => {
      deprecatedPrefix(ctx);
      saveString(ctx, 'script', 'script', `block-${t.slice(0, -1)}`);
    },
  },
  { pattern: prefix('tapdisk'), action: deprecatedPrefix },
  { pattern: prefix('tap2?'), action: deprecatedPrefix },
  { pattern: prefix('aio'), action: deprecatedPrefix },
  { pattern: prefix('ioemu'), action: deprecatedPrefix },
  { pattern: prefix('file'), action: deprecatedPrefix },
  { pattern: prefix('phy'), action: deprecatedPrefix },
  {
    // Any other "word:" counts as a prefix only if no letter or digit follows the colon, so
    // "foo:/dev/x" is refused while "foo:bar" is an ordinary positional parameter.
    pattern: /([a-z][a-z0-9]*:)(?:[^a-z0-9][^\n]*)?/y,
    action: (ctx, t) => {
      error(ctx, t, 'unknown deprecated disk prefix');
      return 'stop';
    },
  },
  { pattern: /[^=,]*,?/y, action: positional },
];
