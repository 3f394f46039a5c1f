// A domain config read the way the checks need it: its name, how it boots, and its DRBD disks,
// each with the place it is written. Pure: text in, record out; xl's own parsers do the reading.
import { isDrbdDevicePath } from '../drbd/device-target';
import { parseTarget } from '../drbd/target';
import type { ResourceRef } from '../drbd/types';
import { getList, getString, lookup, parseConfig, parseDiskSpec, type XlConfig } from '../xl-config';

export interface DomainFile {
  /** The path as shown in findings. */
  readonly path: string;
  readonly text: string;
  /** Listed in /etc/xen/auto, so xendomains starts it at boot. */
  readonly autoStarted: boolean;
  /** The name of its link in /etc/xen/auto, when it has one. */
  readonly autoName?: string;
}

export interface DrbdDisk {
  readonly line: number;
  readonly spec: string;
  /** The target as written (`r0`, `r0/1`). */
  readonly target: string;
  readonly ref: ResourceRef | undefined;
  /** Why the target is no resource name block-drbd accepts. */
  readonly targetError: string | undefined;
  readonly readonly: boolean;
}

/** A DRBD device given to another hotplug script (`phy:/dev/drbd0`): blkback gets it unchecked. */
export interface DirectDrbdDisk {
  readonly line: number;
  readonly spec: string;
  readonly path: string;
}

export interface RejectedDisk {
  readonly line: number;
  readonly spec: string;
  readonly message: string;
}

export interface Domain {
  readonly file: DomainFile;
  /** `name =`, or undefined when unset or the file does not parse. */
  readonly name: string | undefined;
  /** line is undefined when the file could not be read at all. */
  readonly parseError: { readonly line?: number; readonly message: string } | undefined;
  readonly drbdDisks: readonly DrbdDisk[];
  readonly directDrbdDisks: readonly DirectDrbdDisk[];
  readonly rejectedDisks: readonly RejectedDisk[];
  readonly bootloader: { readonly value: string; readonly line: number } | undefined;
}

/** A config named on the command line that cannot be read is reported like one xl cannot parse. */
export function unreadableDomain(file: DomainFile, reason: string): Domain {
  return {
    file,
    name: undefined,
    parseError: { message: reason },
    drbdDisks: [],
    directDrbdDisks: [],
    rejectedDisks: [],
    bootloader: undefined,
  };
}

export function readDomain(file: DomainFile): Domain {
  const parsed = parseConfig(file.text, file.path);
  if (!parsed.ok) {
    const e = parsed.error;
    return {
      file,
      name: undefined,
      parseError: { line: e.at.line, message: e.message },
      drbdDisks: [],
      directDrbdDisks: [],
      rejectedDisks: [],
      bootloader: undefined,
    };
  }
  const config = parsed.config;
  const name = getString(config, 'name');
  return { file, name: name.ok ? name.value : undefined, parseError: undefined, ...disks(config), bootloader: bootloader(config) };
}

// Every disk is parsed, not only up to the first bad one as xl does, so one run shows them all.
function disks(config: XlConfig): Pick<Domain, 'drbdDisks' | 'directDrbdDisks' | 'rejectedDisks'> {
  const drbdDisks: DrbdDisk[] = [];
  const directDrbdDisks: DirectDrbdDisk[] = [];
  const rejectedDisks: RejectedDisk[] = [];
  const list = getList(config, 'disk');
  if (!list.ok) return { drbdDisks, directDrbdDisks, rejectedDisks };
  for (const item of list.value) {
    if (item.kind === 'list') break;
    const line = item.start.line;
    const parsed = parseDiskSpec(item.text, config.source);
    if (!parsed.ok) {
      rejectedDisks.push({ line, spec: item.text, message: parsed.messages[0] });
      continue;
    }
    const d = parsed.disk;
    if (d.pdevPath === undefined) continue;
    if (!isBlockDrbd(d.script)) {
      if (isDrbdDevicePath(d.pdevPath)) directDrbdDisks.push({ line, spec: item.text, path: d.pdevPath });
      continue;
    }
    const target = parseTarget(d.pdevPath);
    drbdDisks.push({
      line,
      spec: item.text,
      target: d.pdevPath,
      ref: target.ok ? target.ref : undefined,
      targetError: target.ok ? undefined : target.error,
      readonly: d.readwrite === 0,
    });
  }
  return { drbdDisks, directDrbdDisks, rejectedDisks };
}

/** `drbd:` and `script=block-drbd` both end here; a script given by path counts by its name. */
export function isBlockDrbd(script: string | undefined): boolean {
  return script !== undefined && (script === 'block-drbd' || script.endsWith('/block-drbd'));
}

function bootloader(config: XlConfig): Domain['bootloader'] {
  const got = getString(config, 'bootloader');
  const a = lookup(config, 'bootloader');
  return got.ok && a !== undefined ? { value: got.value, line: a.value.start.line } : undefined;
}

/** The name xendomains and the peer know the domain by: `name =`, else the file's. */
export function domainLabel(d: Domain): string {
  return d.name ?? d.file.path.replace(/^.*\//, '');
}
