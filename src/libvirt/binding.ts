// The libvirt binding (@unraid/libvirt, an N-API addon) loaded from where xen-drbd's libvirt
// package puts it, only by the admin commands that read libvirt: the hotplug script and the hook
// never load it. The package is ESM-only, so it is reached with import() of its entry file, and
// that file is root's code: its folder, and every one above it, must be root's and not writable by
// others (src/fs/owned-dir.ts).
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkOwnedDir } from '../fs/owned-dir';

export const BINDING_DIR = '/usr/lib/xen-drbd/node_modules/@unraid/libvirt';

/** The part of the binding xen-drbd uses (its own types come with an ESM-only package). */
export interface LibvirtBinding {
  readonly Hypervisor: new (opts: { uri: string }) => Hypervisor;
  readonly ConnectListAllDomainsFlags: { readonly ACTIVE: number };
}

export interface Hypervisor {
  connectOpen(): Promise<void>;
  connectClose(): Promise<void>;
  connectListAllDomains(flags?: number): Promise<unknown[]>;
  domainGetXMLDesc(domain: unknown): Promise<string>;
}

export class BindingUnavailable extends Error {
  override readonly name = 'BindingUnavailable';
}

export async function loadBinding(dir: string): Promise<LibvirtBinding> {
  try {
    lstatSync(dir);
  } catch {
    throw new BindingUnavailable(`the libvirt binding is not installed (${dir})`);
  }
  try {
    checkOwnedDir(dir);
  } catch (e) {
    throw new BindingUnavailable(`not loading the libvirt binding: ${(e as Error).message}`);
  }
  let entry: unknown;
  try {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { exports?: { '.'?: { import?: unknown } } };
    entry = manifest.exports?.['.']?.import;
  } catch (e) {
    throw new BindingUnavailable(`${dir}/package.json does not read: ${(e as Error).message}`);
  }
  if (typeof entry !== 'string' || !entry.startsWith('./')) throw new BindingUnavailable(`${dir}/package.json names no ESM entry`);
  try {
    return (await import(pathToFileURL(join(dir, entry)).href)) as LibvirtBinding;
  } catch (e) {
    throw new BindingUnavailable(`the libvirt binding in ${dir} does not load: ${(e as Error).message.split('\n')[0]}`);
  }
}
