// The domain XML libvirt hands a hook on stdin → the domain's name and its block disks. Only what
// the hook acts on is read: `<disk type='block'>` with `<source dev=…>` (a DRBD device can reach a
// domain no other way); every other disk and element is left alone.
import { parseStringPromise } from 'xml2js';

export interface BlockDisk {
  /** `<source dev>`: the device path as the admin wrote it (a by-res link stays a link). */
  readonly source: string;
  /** `<target dev>`: the guest's name for it, for messages. */
  readonly target: string | undefined;
  readonly readonly: boolean;
}

export interface DomainDisks {
  readonly name: string;
  readonly disks: readonly BlockDisk[];
}

export class DomainXmlError extends Error {
  override readonly name = 'DomainXmlError';
}

// xml2js with explicitArray: every child is an array of { $?: attributes, …children }.
interface XmlNode {
  readonly $?: Record<string, string>;
  readonly [child: string]: unknown;
}

export async function parseDomainXml(xml: string): Promise<DomainDisks> {
  let doc: Record<string, unknown>;
  try {
    doc = (await parseStringPromise(xml, { explicitArray: true, trim: true })) as Record<string, unknown>;
  } catch (e) {
    throw new DomainXmlError(`the domain XML does not parse: ${(e as Error).message.split('\n')[0]}`);
  }
  const domain = doc?.domain as XmlNode | undefined;
  if (domain === undefined || typeof domain !== 'object') throw new DomainXmlError('the XML is not a libvirt <domain>');
  const name = text((domain.name as unknown[] | undefined)?.[0]);
  if (name === undefined || name === '') throw new DomainXmlError('the domain XML has no <name>');
  const disks = children(domain, 'devices')
    .flatMap((d) => children(d, 'disk'))
    .filter((d) => d.$?.type === 'block')
    .flatMap((d): BlockDisk[] => {
      const source = children(d, 'source')[0]?.$?.dev;
      if (source === undefined || source === '') return [];
      return [{ source, target: children(d, 'target')[0]?.$?.dev, readonly: Array.isArray(d.readonly) }];
    });
  return { name, disks };
}

function children(node: unknown, key: string): XmlNode[] {
  if (node === null || typeof node !== 'object') return [];
  const list = (node as Record<string, unknown>)[key];
  return Array.isArray(list) ? list.filter((c): c is XmlNode => c !== null && typeof c === 'object') : [];
}

/** An element's text: xml2js gives a plain string when it has no attributes. */
function text(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (node !== null && typeof node === 'object' && typeof (node as { _?: unknown })._ === 'string') return (node as { _: string })._;
  return undefined;
}
