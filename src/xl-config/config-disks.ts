// The disks of a parsed xl.cfg, read the way xl's parse_config_data reads `disk`
// (xen-project/xen tools/xl/xl_parse.c): list items in order, each through the disk spec parser.
import { parseDiskSpec } from './disk-spec';
import type { DiskSpec } from './disk-types';
import type { Position } from './lexer';
import { getList, type XlConfig } from './settings';

export interface ConfigDisk {
  readonly index: number;
  readonly spec: string;
  /** Where the spec string starts in the file. */
  readonly at: Position;
  readonly disk: DiskSpec;
}

export type ConfigDisksResult =
  | {
      readonly ok: true;
      readonly disks: readonly ConfigDisk[];
      /** Set when `disk` is a single value: xl warns and carries on without disks. */
      readonly warning?: string;
    }
  | {
      readonly ok: false;
      readonly index: number;
      readonly spec: string;
      readonly at: Position;
      readonly messages: readonly [string, ...string[]];
    };

export function configDisks(config: XlConfig): ConfigDisksResult {
  const list = getList(config, 'disk');
  if (!list.ok) return list.reason === 'missing' ? { ok: true, disks: [] } : { ok: true, disks: [], warning: list.warning };
  const disks: ConfigDisk[] = [];
  for (const [index, item] of list.value.entries()) {
    // xl stops at the first item that is not a string, silently.
    if (item.kind === 'list') break;
    const parsed = parseDiskSpec(item.text, config.source);
    if (!parsed.ok) return { ok: false, index, spec: item.text, at: item.start, messages: parsed.messages };
    disks.push({ index, spec: item.text, at: item.start, disk: parsed.disk });
  }
  return { ok: true, disks };
}
