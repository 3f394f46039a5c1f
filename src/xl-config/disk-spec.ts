// Disk specification strings (`disk = [ 'SPEC', ... ]`, `xl block-attach DOM SPEC...`) parsed
// exactly as xl does: xen-project/xen tools/libs/util/libxlu_disk_l.l and libxlu_disk.c.
//
// libxl's parser is a flex scanner whose rules overlap, so the outcome depends on flex's choice:
// at each position the rule with the longest match wins (trailing context counts towards the
// length but is not consumed), and among equals the first rule. RULES (disk-rules.ts) keeps
// libxl's order and scan() applies that choice, so quirky specs come out as xl parses them.

import { error, RULES, type Context, type Disk, type Rule } from './disk-rules';
import type { DiskSpec } from './disk-types';

export type DiskParseResult =
  | { readonly ok: true; readonly disk: DiskSpec }
  | {
      readonly ok: false;
      /** Every message xl would print, in order; the first is the one to show. */
      readonly messages: readonly [string, ...string[]];
    };

/**
 * Parses one disk, given as one spec or as several pieces (xl block-attach takes the spec as
 * separate arguments and parses them in turn into the same disk). `source` names the origin in
 * messages: xl says "command line" for block-attach and the file name for a config file.
 */
export function parseDiskSpec(specs: string | readonly string[], source = 'command line'): DiskParseResult {
  const pieces = typeof specs === 'string' ? [specs] : specs;
  const ctx: Context = {
    source,
    disk: emptyDisk(),
    messages: [],
    spec: '(null)', // what libxl's printf shows when it was given no spec at all
    accessSet: false,
    hadDeprecatedPrefix: false,
  };
  for (const piece of pieces) {
    ctx.spec = piece;
    const jammed = scan(ctx, piece);
    // flex's fatal error: xl prints this and exits at once, with no disk message.
    if (jammed) return { ok: false, messages: ['flex scanner jammed'] };
    const [first, ...rest] = ctx.messages;
    if (first !== undefined) return { ok: false, messages: [first, ...rest] };
  }
  finish(ctx);
  const [first, ...rest] = ctx.messages;
  return first === undefined ? { ok: true, disk: ctx.disk } : { ok: false, messages: [first, ...rest] };
}

// The defaults of libxl_device_disk_init, plus readwrite=1 which xlu_disk_parse sets first.
function emptyDisk(): Disk {
  return {
    backendDomid: 0,
    backendDomname: undefined,
    pdevPath: undefined,
    vdev: undefined,
    backend: 'unknown',
    format: 'unknown',
    script: undefined,
    removable: 0,
    readwrite: 1,
    isCdrom: 0,
    directIoSafe: false,
    discardEnable: 'default',
    specification: 'unknown',
    transport: 'unknown',
    irq: 0,
    base: 0,
    coloEnable: 'default',
    coloRestoreEnable: 'default',
    coloHost: undefined,
    coloPort: 0,
    coloExport: undefined,
    activeDisk: undefined,
    hiddenDisk: undefined,
    trusted: 'default',
    grantUsage: 'default',
  };
}

// What xlu_disk_parse does once every piece has been scanned without error.
function finish(ctx: Context): void {
  const d = ctx.disk;
  if (d.format === 'unknown') d.format = 'raw';
  if (d.isCdrom) {
    d.removable = 1;
    d.readwrite = 0;
    if (d.pdevPath === undefined || d.pdevPath === '') d.format = 'empty';
  }
  if (d.vdev === undefined) {
    error(ctx, undefined, 'no vdev specified');
  } else if (d.pdevPath === undefined && !d.removable) {
    error(ctx, undefined, 'no target specified (and device not removable)');
  }
}

/** Runs the scanner over one piece; true when flex would have jammed. */
function scan(ctx: Context, spec: string): boolean {
  let pos = 0;
  while (pos < spec.length) {
    let best: { rule: Rule; length: number; text: string } | undefined;
    for (const rule of RULES) {
      rule.pattern.lastIndex = pos;
      const m = rule.pattern.exec(spec);
      if (m === null || m[0].length === 0) continue;
      if (best === undefined || m[0].length > best.length) {
        best = { rule, length: m[0].length, text: m[1] ?? m[0] };
      }
    }
    if (best === undefined) return badSyntax(ctx, spec, pos) === 'jammed';
    pos += best.text.length;
    if (best.rule.action(ctx, best.text) === 'stop') return false;
  }
  return false;
}

// No rule matched (only '=' gets here): libxl reports the rest of the line as bad syntax and
// stops, but ends silently on a '=' at the very end and jams on a '=' before a newline.
function badSyntax(ctx: Context, spec: string, pos: number): 'jammed' | 'stop' {
  const rest = /[^\n]*/y;
  rest.lastIndex = pos + 1;
  const tail = rest.exec(spec)?.[0] ?? '';
  if (tail === '') return spec[pos + 1] === '\n' ? 'jammed' : 'stop';
  error(ctx, spec[pos] + tail, 'bad disk syntax');
  return 'stop';
}
