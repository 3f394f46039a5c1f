// `xen-drbd parse-config FILE [--json]`: parses an xl domain config as xl does and prints the
// settings xl would use (last assignment wins), with every disk expanded to libxl's fields.
import { readFile } from 'node:fs/promises';
import {
  configDisks,
  diskToLibxlJson,
  effectiveSettings,
  formatConfigParseError,
  parseConfig,
  PYTHON_WARNING,
  renderValue,
  type Value,
} from '../../../xl-config';
import type { Command } from './index';

const USAGE = 'usage: xen-drbd parse-config FILE [--json]\n';

export const parseConfigCommand: Command = {
  summary: 'parse an xl domain config as xl does; print its settings and disks',
  async run(args) {
    const json = args.includes('--json');
    const files = args.filter((a) => a !== '--json');
    const [file] = files;
    if (file === undefined || files.length > 1) {
      process.stderr.write(USAGE);
      return 2;
    }
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      // libxl's wording for the same failure.
      const reason = e instanceof Error && 'code' in e ? describeErrno(e) : String(e);
      process.stderr.write(`${file}: unable to open configuration file: ${reason}\n`);
      return 1;
    }
    const parsed = parseConfig(text, file);
    if (!parsed.ok) {
      process.stderr.write(`${formatConfigParseError(parsed.error)}\n`);
      if (parsed.error.likelyPython) process.stderr.write(`${PYTHON_WARNING.join('\n')}\n`);
      return 1;
    }
    const disks = configDisks(parsed.config);
    if (!disks.ok) {
      process.stderr.write(`${file}:${disks.at.line}:${disks.at.column}: ${disks.messages[0].replace(`${file}: `, '')}\n`);
      return 1;
    }
    if (disks.warning !== undefined) process.stderr.write(`${disks.warning}\n`);
    const settings = [...effectiveSettings(parsed.config)].map(([name, a]) => [name, a.value] as const);
    const expanded = disks.disks.map((d) => diskToLibxlJson(d.disk));
    if (json) {
      let output: string;
      try {
        const document = { settings: Object.fromEntries(settings.map(([n, v]) => [n, plain(v)])), disks: expanded };
        output = JSON.stringify(document, null, 4);
      } catch (e) {
        // Both steps recurse; xl accepts lists nested almost 5000 deep, too deep for them.
        if (!(e instanceof RangeError)) throw e;
        process.stderr.write(`${file}: lists nest too deeply to print as JSON\n`);
        return 1;
      }
      process.stdout.write(`${output}\n`);
    } else {
      for (const [name, value] of settings) process.stdout.write(`${name} = ${renderValue(value)}\n`);
      for (const [i, disk] of expanded.entries()) process.stdout.write(`# disk[${i}]: ${JSON.stringify(disk)}\n`);
    }
    return 0;
  },
};

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
