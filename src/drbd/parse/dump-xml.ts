// `drbdadm dump-xml` → the DRBD configuration as typed records. Only the xen-drbd CLI imports this
// (xml2js must stay out of the block-drbd bundle, whose start-up is guest downtime).
//
// Shapes seen in real drbd-utils 9.22 and 8.4 output (test/fixtures, shared/fixtures/drbd-utils):
// the root is <config> for all resources or <resource> for one; options sit in
// <section name="net|disk|handlers|..."><option name= value=/>, in <common>, in <resource> and
// (DRBD 9) in <connection>; `common` is not merged into resources; a device configured only by
// minor has empty text; floating hosts have no name. Unknown elements are ignored, an unknown
// root is an error.
import { parseStringPromise } from 'xml2js';
import { DrbdParseError } from './states';

/** section name → option name → value, e.g. net → protocol → C. */
export type Sections = ReadonlyMap<string, ReadonlyMap<string, string>>;

export interface VolumeConfig {
  readonly vnr: number;
  readonly minor: number | undefined;
  /** The device path, when configured as one (`device /dev/drbd0;`). */
  readonly device: string | undefined;
  /** The backing disk, or 'none' for a diskless volume. */
  readonly disk: string | undefined;
}

export interface HostConfig {
  /** undefined for a `floating` address, which names no host. */
  readonly name: string | undefined;
  readonly volumes: readonly VolumeConfig[];
}

export interface ConnectionConfig {
  readonly hosts: readonly string[];
  readonly sections: Sections;
}

export interface ResourceConfig {
  readonly name: string;
  /** drbdadm's `conf-file-line`: "/etc/drbd.d/r0.res:1". */
  readonly definedAt: string | undefined;
  readonly hosts: readonly HostConfig[];
  readonly sections: Sections;
  readonly connections: readonly ConnectionConfig[];
}

export interface DrbdConfigDump {
  readonly common: Sections;
  readonly resources: readonly ResourceConfig[];
}

// xml2js with explicitArray and explicitCharkey gives every element one shape: { $?, _?, child?: [] }.
interface XmlNode {
  readonly $?: Record<string, string>;
  readonly _?: string;
  readonly [child: string]: unknown;
}

export async function parseDumpXml(xml: string): Promise<DrbdConfigDump> {
  let doc: Record<string, unknown>;
  try {
    doc = (await parseStringPromise(xml, { trim: true, explicitArray: true, explicitCharkey: true, emptyTag: () => ({}) })) as Record<
      string,
      unknown
    >;
  } catch (e) {
    throw new DrbdParseError(`drbdadm dump-xml: not XML: ${(e as Error).message.split('\n')[0]}`);
  }
  const [rootName] = Object.keys(doc ?? {});
  const root = node(doc?.[rootName ?? '']);
  if (rootName === 'config') {
    return { common: sections(children(root, 'common')[0]), resources: children(root, 'resource').map(resource) };
  }
  if (rootName === 'resource') return { common: new Map(), resources: [resource(root)] };
  throw new DrbdParseError(`drbdadm dump-xml: unexpected root element <${rootName ?? ''}>`);
}

function resource(n: XmlNode): ResourceConfig {
  const name = n.$?.name;
  if (name === undefined) throw new DrbdParseError('drbdadm dump-xml: a <resource> without a name');
  return {
    name,
    definedAt: n.$?.['conf-file-line'],
    hosts: children(n, 'host').map(host),
    sections: sections(n),
    connections: children(n, 'connection').map((c) => ({
      hosts: children(c, 'host').flatMap((h) => (h.$?.name === undefined ? [] : [h.$.name])),
      sections: sections(c),
    })),
  };
}

function host(n: XmlNode): HostConfig {
  return { name: n.$?.floating === undefined ? n.$?.name : undefined, volumes: children(n, 'volume').map(volume) };
}

function volume(n: XmlNode): VolumeConfig {
  const device = children(n, 'device')[0];
  const minor = device?.$?.minor;
  return {
    vnr: Number(n.$?.vnr ?? 0),
    minor: minor === undefined ? undefined : Number(minor),
    device: nonEmpty(device?._),
    disk: nonEmpty(children(n, 'disk')[0]?._),
  };
}

// Sections directly under n, merged by name (drbdadm prints each once, but nothing forbids two).
function sections(n: XmlNode | undefined): Sections {
  const out = new Map<string, Map<string, string>>();
  for (const s of children(n, 'section')) {
    const name = s.$?.name;
    if (name === undefined) continue;
    const options = out.get(name) ?? new Map<string, string>();
    for (const o of children(s, 'option')) {
      if (o.$?.name !== undefined) options.set(o.$.name, o.$.value ?? '');
    }
    out.set(name, options);
  }
  return out;
}

function children(n: XmlNode | undefined, name: string): XmlNode[] {
  const list = n?.[name];
  return Array.isArray(list) ? list.map(node) : [];
}

function node(value: unknown): XmlNode {
  return typeof value === 'object' && value !== null ? (value as XmlNode) : { _: typeof value === 'string' ? value : undefined };
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s;
}

/**
 * The value DRBD uses for one resource: a connection's setting, else the resource's, else common's.
 * For a two-node resource there is one connection; with several, the first that sets it.
 */
export function effectiveOption(dump: DrbdConfigDump, res: ResourceConfig, section: string, option: string): string | undefined {
  for (const c of res.connections) {
    const v = c.sections.get(section)?.get(option);
    if (v !== undefined) return v;
  }
  return res.sections.get(section)?.get(option) ?? dump.common.get(section)?.get(option);
}
