// The xen-drbd-libvirt package's files: the libvirt binding (@unraid/libvirt) as npm built it, and
// the packages its code imports when it runs (xml2js and what xml2js requires), placed where
// `xen-drbd status` loads it (src/libvirt/binding.ts). Only what runs: package.json files, the
// compiled JavaScript and the addon; the licenses go into the package's copyright file.
import { existsSync, readdirSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { BINDING_DIR } from '../src/libvirt/binding';

export const BINDING_PACKAGE = 'xen-drbd-libvirt';
/** /usr/lib/xen-drbd/node_modules */
export const BINDING_ROOT = posix.dirname(posix.dirname(BINDING_DIR));

export interface BindingFile {
  /** Absolute path on the installed host. */
  readonly path: string;
  /** Where it is in the build's node_modules. */
  readonly source: string;
}

function jsUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    return d.isDirectory() ? jsUnder(p) : d.isFile() && d.name.endsWith('.js') ? [p] : [];
  });
}

/** Undefined when npm did not build the binding here (no libvirt-dev): say how to get it. */
export function bindingFiles(nodeModules: string): BindingFile[] | undefined {
  const binding = join(nodeModules, '@unraid', 'libvirt');
  const addon = join(binding, 'build', 'Release', 'libvirt.node');
  if (!existsSync(addon)) return undefined;
  const sources = [
    join(binding, 'package.json'),
    addon,
    ...jsUnder(join(binding, 'dist')),
    ...['xml2js', 'sax', 'xmlbuilder'].flatMap((p) => [join(nodeModules, p, 'package.json'), ...jsUnder(join(nodeModules, p, 'lib'))]),
    // xml2js.bc.js is xml2js bundled for browsers (3.4 MB); nothing requires it under Node.
  ].filter((f) => !f.endsWith('.bc.js'));
  return sources.map((source) => ({ path: posix.join(BINDING_ROOT, relative(nodeModules, source)), source }));
}

export const NOT_BUILT = 'the libvirt binding is not built (apt-get install libvirt-dev pkg-config, then npm install)';
