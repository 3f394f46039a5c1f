// DiskSpec → the JSON libxl prints for a libxl_device_disk (libxl_device_disk_to_json, as shown
// by `xl -N block-attach`): IDL field order, fields at their default left out, enums as lower-case
// names, defbools as "True"/"False", and yajl's pretty-printing byte for byte.
import type { Defbool, DiskSpec } from './disk-types';

export type LibxlJsonValue = string | number | boolean;

/** The JSON object, keys in libxl's order; a field equal to its default is absent. */
export function diskToLibxlJson(disk: DiskSpec): Record<string, LibxlJsonValue> {
  const out: Record<string, LibxlJsonValue> = {};
  const put = (name: string, value: LibxlJsonValue | undefined, isDefault: boolean) => {
    if (value !== undefined && !isDefault) out[name] = value;
  };
  const defbool = (name: string, value: Defbool) => put(name, value === 'true' ? 'True' : 'False', value === 'default');
  put('backend_domid', disk.backendDomid, disk.backendDomid === 0);
  put('backend_domname', disk.backendDomname, false);
  put('pdev_path', disk.pdevPath, false);
  put('vdev', disk.vdev, false);
  put('backend', disk.backend, disk.backend === 'unknown');
  put('format', disk.format, disk.format === 'unknown');
  put('script', disk.script, false);
  put('removable', disk.removable, disk.removable === 0);
  put('readwrite', disk.readwrite, disk.readwrite === 0);
  put('is_cdrom', disk.isCdrom, disk.isCdrom === 0);
  put('direct_io_safe', disk.directIoSafe, !disk.directIoSafe);
  defbool('discard_enable', disk.discardEnable);
  put('specification', disk.specification, disk.specification === 'unknown');
  put('transport', disk.transport, disk.transport === 'unknown');
  put('irq', disk.irq, disk.irq === 0);
  put('base', disk.base, disk.base === 0);
  defbool('colo_enable', disk.coloEnable);
  defbool('colo_restore_enable', disk.coloRestoreEnable);
  put('colo_host', disk.coloHost, false);
  put('colo_port', disk.coloPort, disk.coloPort === 0);
  put('colo_export', disk.coloExport, false);
  put('active_disk', disk.activeDisk, false);
  put('hidden_disk', disk.hiddenDisk, false);
  defbool('trusted', disk.trusted);
  defbool('grant_usage', disk.grantUsage);
  return out;
}

/** yajl's beautified output for a flat object: four-space indent, trailing newline. */
export function formatLibxlJson(object: Readonly<Record<string, LibxlJsonValue>>): string {
  const entries = Object.entries(object).map(([k, v]) => `    ${yajlString(k)}: ${typeof v === 'string' ? yajlString(v) : String(v)}`);
  // yajl opens and closes a map with a newline each, so an empty map spans two lines.
  return entries.length === 0 ? '{\n\n}\n' : `{\n${entries.join(',\n')}\n}\n`;
}

/** What `xl -N block-attach DOMAIN SPEC...` prints on stdout. */
export function formatBlockAttachDryRun(disk: DiskSpec): string {
  return `disk: ${formatLibxlJson(diskToLibxlJson(disk))}\n`;
}

// yajl_string_encode: the short escapes JSON has, other control characters as \u00XX with
// upper-case hex (JSON.stringify would write lower case), everything else verbatim.
function yajlString(s: string): string {
  const short: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  // eslint-disable-next-line no-control-regex -- JSON must escape every control character
  const body = s.replace(/["\\\u0000-\u001f]/g, (c) => short[c] ?? `\\u00${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  return `"${body}"`;
}
