// The xl configuration tooling's public surface: xl.cfg files and disk specs, parsed as xl does.
export { parseConfig, formatConfigParseError, PYTHON_WARNING } from './parser';
export type { ConfigParseError, ParseResult } from './parser';
export type { Position } from './lexer';
export { lookup, effectiveSettings, getString, getLong, getList, getStringList, strtol, renderValue } from './settings';
export type { XlConfig, Assignment, Value, AtomValue, ListValue, Operator, Got, GetFailure } from './settings';
export { parseDiskSpec } from './disk-spec';
export type { DiskParseResult } from './disk-spec';
export type { DiskSpec, DiskFormat, DiskBackend, DiskSpecification, DiskTransport, Defbool } from './disk-types';
export { diskToLibxlJson, formatLibxlJson, formatBlockAttachDryRun } from './disk-json';
export type { LibxlJsonValue } from './disk-json';
export { configDisks } from './config-disks';
export type { ConfigDisk, ConfigDisksResult } from './config-disks';
