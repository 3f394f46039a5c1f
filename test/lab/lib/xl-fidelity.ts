// xen-drbd's xl parsers against the real xl in a lab dom0 (scenario 13): the corpus in
// test/lab/xl-corpus goes through `xl -N block-attach 0 SPEC` / `xl create -n FILE` (one shell
// loop in one dom0 job) and through `xen-drbd parse-disk|parse-config --batch` (one Node start:
// each costs ~2.5 s under TCG), and every difference is listed.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { getLong, parseConfig } from '../../../src/xl-config';
import { LAB_DIR, type Host } from './lab';

const CORPUS_DIR = path.join(LAB_DIR, 'xl-corpus');
const CONFIGS_DIR = path.join(CORPUS_DIR, 'configs');
/** Where the configs land in dom0: xl and xen-drbd read the same files. */
const DOM0_CONFIGS = '/tmp/xl-corpus/configs';
const CLI = 'node /lab/dist/xen-drbd';
const TIMEOUT_MS = 10 * 60_000;

type Json = Record<string, unknown>;

/** The disk specs: one per line, verbatim; '#' lines and blank lines are comments. */
export function diskCorpus(): string[] {
  return fs
    .readFileSync(path.join(CORPUS_DIR, 'disk-specs.txt'), 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'));
}

export function configCorpus(): string[] {
  return fs
    .readdirSync(CONFIGS_DIR)
    .filter((f) => f.endsWith('.cfg'))
    .sort();
}

export interface Divergences {
  readonly diskSpecs: Readonly<Record<string, string>>;
  readonly configs: Readonly<Record<string, string>>;
}

export function divergences(): Divergences {
  return JSON.parse(fs.readFileSync(path.join(CORPUS_DIR, 'divergences.json'), 'utf8')) as Divergences;
}

interface XlRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The outcome of one comparison: what each side said, and whether that is a difference. */
export interface Compared {
  readonly input: string;
  readonly xl: string;
  readonly ours: string;
  /** Empty when both agree. */
  readonly differences: readonly string[];
}

/**
 * Runs `xl ARGS... "$x"` once per input in one dom0 job (inputs on stdin, one per line). Each
 * result comes back as rc, stdout and stderr, each ended by a NUL (xl prints none); the files are
 * read with bash's own `read`, as every extra process costs tens of milliseconds under TCG.
 */
async function xlEach(h: Host, xlArgs: string, inputs: readonly string[]): Promise<XlRun[]> {
  const script = [
    'T=$(mktemp -d)',
    'while IFS= read -r x; do',
    `  xl ${xlArgs} "$x" >"$T/o" 2>"$T/e"; rc=$?`,
    `  IFS= read -r -d '' o <"$T/o"; IFS= read -r -d '' e <"$T/e"`,
    `  printf '%s\\0%s\\0%s\\0' "$rc" "$o" "$e"`,
    'done',
    'rm -rf "$T"',
  ].join('\n');
  const r = await h.run(script, { stdin: lines(inputs), timeoutMs: TIMEOUT_MS, job: true });
  if (r.code !== 0) throw new Error(`host ${h.name}: the xl loop failed (rc=${r.code}): ${r.stderr.trim()}`);
  const fields = r.stdout.split('\0');
  fields.pop(); // after the last NUL
  const runs: XlRun[] = [];
  for (let i = 0; i + 2 < fields.length; i += 3)
    runs.push({ code: Number(fields[i]), stdout: fields[i + 1] as string, stderr: fields[i + 2] as string });
  if (runs.length !== inputs.length || fields.length !== 3 * inputs.length)
    throw new Error(`host ${h.name}: ${inputs.length} inputs but ${fields.length} fields of xl results`);
  return runs;
}

async function oursEach(h: Host, command: 'parse-disk' | 'parse-config', inputs: readonly string[]): Promise<Json[]> {
  const r = await h.run(`${CLI} ${command} --batch`, { stdin: lines(inputs), timeoutMs: TIMEOUT_MS, job: true });
  if (r.code !== 0) throw new Error(`host ${h.name}: xen-drbd ${command} --batch failed (rc=${r.code}): ${r.stderr.trim()}`);
  const records = r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Json);
  if (records.length !== inputs.length) throw new Error(`host ${h.name}: ${inputs.length} inputs but ${records.length} xen-drbd records`);
  return records;
}

export async function compareDiskSpecs(h: Host, specs: readonly string[]): Promise<Compared[]> {
  const xl = await xlEach(h, '-N block-attach 0', specs);
  const ours = await oursEach(h, 'parse-disk', specs);
  return specs.map((spec, i) => {
    const x = xl[i] as XlRun;
    const o = ours[i] as Json;
    const differences: string[] = [];
    if (o.spec !== spec) differences.push(`xen-drbd answered for ${JSON.stringify(o.spec)}`);
    // `xl -N block-attach` prints "disk: " and libxl's JSON, then an empty line.
    const printed = /^disk: ([\s\S]*)\n\n$/.exec(x.stdout)?.[1];
    if ((x.code === 0) !== (o.ok === true)) {
      differences.push(x.code === 0 ? 'xl accepts, xen-drbd rejects' : 'xl rejects, xen-drbd accepts');
    } else if (x.code === 0) {
      // Compared as text, so libxl's field order counts too.
      if (printed === undefined) differences.push('xl printed no "disk: {...}"');
      else if (JSON.stringify(JSON.parse(printed)) !== JSON.stringify(o.disk)) differences.push('different fields');
    } else if (x.stderr.split('\n')[0] !== o.error) {
      // xl prints every message of a spec, one a line; xen-drbd's record holds the first.
      differences.push('different error message');
    }
    return {
      input: spec,
      xl: x.code === 0 ? compact(printed) : `rc=${x.code} ${x.stderr.trim()}`,
      ours: o.ok === true ? JSON.stringify(o.disk) : `error ${String(o.error)}`,
      differences,
    };
  });
}

/** Copies the config corpus into dom0 (a tar through stdin, in one request). */
export async function pushConfigs(h: Host): Promise<void> {
  const tar = execFileSync('tar', ['-C', CORPUS_DIR, '-cz', 'configs']).toString('base64');
  await h.sh(`rm -rf ${DOM0_CONFIGS} && mkdir -p ${path.dirname(DOM0_CONFIGS)} && base64 -d | tar -xz -C ${path.dirname(DOM0_CONFIGS)}`, {
    stdin: tar,
  });
}

/**
 * The settings compared for a config both accept, and where xl's `create -n` JSON
 * (libxl_domain_config) has each: xl derives these from the settings in parse_config_data
 * (xen-project/xen tools/xl/xl_parse.c, 4.17).
 */
export const CONFIG_FIELDS = [
  'c_info.name',
  'c_info.type',
  'b_info.kernel',
  'b_info.ramdisk',
  'b_info.bootloader',
  'b_info.cmdline',
  'b_info.target_memkb',
  'b_info.max_memkb',
  'b_info.max_vcpus',
  'b_info.avail_vcpus',
  'disks',
] as const;

export async function compareConfigs(h: Host, files: readonly string[]): Promise<Compared[]> {
  const paths = files.map((f) => `${DOM0_CONFIGS}/${f}`);
  const xl = await xlEach(h, 'create -n', paths);
  const ours = await oursEach(h, 'parse-config', paths);
  return files.map((file, i) => {
    const x = xl[i] as XlRun;
    const o = ours[i] as Json;
    const differences: string[] = [];
    const xlError = x.stderr
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('Parsing config from '))
      .join(' | ');
    if ((x.code === 0) !== (o.ok === true)) {
      differences.push(x.code === 0 ? 'xl accepts, xen-drbd rejects' : 'xl rejects, xen-drbd accepts');
    } else if (x.code === 0) {
      const got = xlView(JSON.parse(x.stdout) as Json);
      const want = expectedView(file, o);
      for (const field of CONFIG_FIELDS) {
        if (JSON.stringify(got[field]) !== JSON.stringify(want[field])) {
          differences.push(`${field}: xl ${JSON.stringify(got[field])}, xen-drbd ${JSON.stringify(want[field])}`);
        }
      }
    }
    return {
      input: file,
      xl: x.code === 0 ? `accepted${xlError === '' ? '' : ` (${xlError})`}` : `rc=${x.code} ${xlError}`,
      ours: o.ok === true ? `accepted, ${(o.disks as unknown[]).length} disk(s)` : `error ${String(o.error)}`,
      differences,
    };
  });
}

type View = Partial<Record<(typeof CONFIG_FIELDS)[number], unknown>>;

function xlView(config: Json): View {
  const c = (config.c_info ?? {}) as Json;
  const b = (config.b_info ?? {}) as Json;
  return {
    'c_info.name': c.name,
    'c_info.type': c.type,
    'b_info.kernel': b.kernel,
    'b_info.ramdisk': b.ramdisk,
    'b_info.bootloader': b.bootloader,
    'b_info.cmdline': b.cmdline,
    'b_info.target_memkb': b.target_memkb,
    'b_info.max_memkb': b.max_memkb,
    'b_info.max_vcpus': b.max_vcpus,
    'b_info.avail_vcpus': b.avail_vcpus,
    disks: config.disks ?? [],
  };
}

// What xl 4.17 makes of xen-drbd's record. Strings come from the tool's output in dom0; numbers
// from xen-drbd's own getLong on the same file, as xl reads numbers with xlu_cfg_get_long (which
// the printed text alone cannot show: `memory += 1` joins the text but xl ignores it).
function expectedView(file: string, record: Json): View {
  const settings = record.settings as Json;
  const str = (name: string) => (typeof settings[name] === 'string' ? (settings[name] as string) : undefined);
  const parsed = parseConfig(fs.readFileSync(path.join(CONFIGS_DIR, file), 'utf8'), file);
  if (!parsed.ok) throw new Error(`${file}: xen-drbd accepted it in dom0 but not here: ${parsed.error.message}`);
  const long = (name: string) => {
    const got = getLong(parsed.config, name);
    return got.ok ? Number(got.value) : undefined;
  };
  const memory = long('memory');
  const maxmem = long('maxmem') ?? memory;
  const vcpus = long('vcpus');
  const builder = str('builder');
  // parse_cmdline: cmdline= wins; else "root=ROOT EXTRA" from what is set.
  const root = str('root');
  const extra = str('extra');
  const cmdline = str('cmdline') ?? (root !== undefined ? (extra !== undefined ? `root=${root} ${extra}` : `root=${root}`) : extra);
  return {
    'c_info.name': str('name'),
    // type= wins; the deprecated builder= knows 'hvm' and 'generic' (PV); PV by default.
    'c_info.type': str('type') ?? (builder === 'hvm' ? 'hvm' : 'pv'),
    'b_info.kernel': str('kernel'),
    'b_info.ramdisk': str('ramdisk'),
    'b_info.bootloader': str('bootloader'),
    'b_info.cmdline': cmdline,
    'b_info.target_memkb': memory === undefined ? undefined : memory * 1024,
    'b_info.max_memkb': maxmem === undefined ? undefined : maxmem * 1024,
    'b_info.max_vcpus': long('maxvcpus') ?? vcpus,
    'b_info.avail_vcpus': vcpus === undefined ? undefined : Array.from({ length: vcpus }, (_, i) => i),
    disks: record.disks,
  };
}

/**
 * The corpus outcome as text: every difference not listed in divergences.json, and every listed
 * divergence that no longer diverges. Empty when the scenario passes.
 */
export function unexpected(results: readonly Compared[], listed: Readonly<Record<string, string>>): string {
  const out: string[] = [];
  for (const r of results) {
    const reason = listed[r.input];
    if (r.differences.length > 0 && reason === undefined) out.push(describeCompared(r, r.differences.join('; ')));
    if (r.differences.length === 0 && reason !== undefined)
      out.push(describeCompared(r, `listed as a divergence ("${reason}") but both agree`));
  }
  const missing = Object.keys(listed).filter((input) => !results.some((r) => r.input === input));
  for (const input of missing) out.push(`${JSON.stringify(input)}: listed as a divergence but not in the corpus`);
  return out.join('\n');
}

export function describeCompared(r: Compared, what: string): string {
  return `${JSON.stringify(r.input)}: ${what}\n    xl:       ${r.xl}\n    xen-drbd: ${r.ours}`;
}

function compact(json: string | undefined): string {
  if (json === undefined) return '(nothing)';
  try {
    return JSON.stringify(JSON.parse(json));
  } catch {
    return json;
  }
}

function lines(inputs: readonly string[]): string {
  return inputs.map((i) => `${i}\n`).join('');
}
