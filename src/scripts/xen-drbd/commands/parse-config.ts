// `xen-drbd parse-config FILE [--json]`: parses an xl domain config as xl does and prints the
// settings xl would use (last assignment wins), with every disk expanded to libxl's fields.
// It parses and reads disks only: xl's later checks on the settings (a name, a known type, a
// kernel or bootloader for PV) are not made, so a file without `name` passes here and not in xl.
// `--batch` reads one file name per line from stdin and prints one JSON line per file.
import { readFile } from 'node:fs/promises';
import {
  configDisks,
  diskToLibxlJson,
  effectiveSettings,
  formatConfigParseError,
  parseConfig,
  PYTHON_WARNING,
  renderValue,
  type LibxlJsonValue,
  type Value,
} from '../../../xl-config';
import { stdinLines } from './stdin-lines';
import type { Command } from './command';

const USAGE = 'usage: xen-drbd parse-config FILE [--json] | parse-config --batch < FILES\n';

export const parseConfigCommand: Command = {
  summary: 'parse an xl domain config as xl does; print its settings and disks (--batch: file names on stdin)',
  async run(args) {
    if (args.includes('--batch')) {
      if (args.length > 1) {
        process.stderr.write(USAGE);
        return 2;
      }
      for await (const file of stdinLines()) process.stdout.write(`${batchRecord(file, await readConfig(file))}\n`);
      return 0;
    }
    const json = args.includes('--json');
    const files = args.filter((a) => a !== '--json');
    const [file] = files;
    if (file === undefined || files.length > 1) {
      process.stderr.write(USAGE);
      return 2;
    }
    const read = await readConfig(file);
    if (!read.ok) {
      process.stderr.write(read.messages.map((m) => `${m}\n`).join(''));
      return 1;
    }
    for (const w of read.warnings) process.stderr.write(`${w}\n`);
    if (json) {
      const output = documentJson(read, 4);
      if (output === undefined) {
        process.stderr.write(`${tooDeep(file)}\n`);
        return 1;
      }
      process.stdout.write(`${output}\n`);
    } else {
      for (const [name, value] of read.settings) process.stdout.write(`${name} = ${renderValue(value)}\n`);
      for (const [i, disk] of read.disks.entries()) process.stdout.write(`# disk[${i}]: ${JSON.stringify(disk)}\n`);
    }
    return 0;
  },
};

type ReadConfig =
  | {
      readonly ok: true;
      readonly settings: ReadonlyArray<readonly [string, Value]>;
      readonly disks: ReadonlyArray<Record<string, LibxlJsonValue>>;
      readonly warnings: readonly string[];
    }
  | { readonly ok: false; readonly messages: readonly [string, ...string[]] };

async function readConfig(file: string): Promise<ReadConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    // libxl's wording for the same failure.
    const reason = e instanceof Error && 'code' in e ? describeErrno(e) : String(e);
    return { ok: false, messages: [`${file}: unable to open configuration file: ${reason}`] };
  }
  const parsed = parseConfig(text, file);
  if (!parsed.ok) {
    const message = formatConfigParseError(parsed.error);
    return { ok: false, messages: parsed.error.likelyPython ? [message, ...PYTHON_WARNING] : [message] };
  }
  const disks = configDisks(parsed.config);
  if (!disks.ok)
    return { ok: false, messages: [`${file}:${disks.at.line}:${disks.at.column}: ${disks.messages[0].replace(`${file}: `, '')}`] };
  return {
    ok: true,
    settings: [...effectiveSettings(parsed.config)].map(([name, a]) => [name, a.value] as const),
    disks: disks.disks.map((d) => diskToLibxlJson(d.disk)),
    warnings: disks.warning === undefined ? [] : [disks.warning],
  };
}

// The --json document; undefined when lists nest too deeply to print (both steps recurse, and
// xl accepts lists nested almost 5000 deep).
function documentJson(read: Extract<ReadConfig, { ok: true }>, indent?: number, head: Record<string, unknown> = {}): string | undefined {
  try {
    const settings = Object.fromEntries(read.settings.map(([n, v]) => [n, plain(v)]));
    return JSON.stringify({ ...head, settings, disks: read.disks }, null, indent);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return undefined;
  }
}

function tooDeep(file: string): string {
  return `${file}: lists nest too deeply to print as JSON`;
}

/** One line of --batch output: {file, ok: true, settings, disks, warnings}, or {file, ok: false, error}. */
function batchRecord(file: string, read: ReadConfig): string {
  const failed = (error: string) => JSON.stringify({ file, ok: false, error });
  if (!read.ok) return failed(read.messages[0]);
  return documentJson(read, undefined, { file, ok: true, warnings: read.warnings }) ?? failed(tooDeep(file));
}

// Atoms as the text xl stores (numbers as written), lists as arrays.
function plain(value: Value): unknown {
  return value.kind === 'list' ? value.items.map(plain) : value.text;
}

function describeErrno(e: Error & { code?: unknown }): string {
  if (e.code === 'ENOENT') return 'No such file or directory';
  if (e.code === 'EACCES') return 'Permission denied';
  if (e.code === 'EISDIR') return 'Is a directory';
  return String(e.code);
}
