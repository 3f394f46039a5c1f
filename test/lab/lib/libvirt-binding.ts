// The libvirt binding for a libvirt lab's dom0s: @unraid/libvirt as npm built it on this machine
// (against Debian 12's libvirt-dev, the libvirt0 the dom0s run), with the packages it imports at run
// time, placed where `xen-drbd status` looks for it (src/libvirt/binding.ts: BINDING_DIR). The lab
// delivers it in the overlay; nothing in the .deb ships it yet.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CpioEntry } from './cpio';

const BINDING_DIR = 'usr/lib/xen-drbd/node_modules';
/** What @unraid/libvirt's dist/ imports when it runs, and what those import. */
const RUNTIME_PACKAGES = ['xml2js', 'sax', 'xmlbuilder'];

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? filesUnder(p) : d.isFile() ? [p] : [];
  });
}

export function libvirtBindingEntries(nodeModules: string): CpioEntry[] {
  const binding = path.join(nodeModules, '@unraid', 'libvirt');
  const addon = path.join(binding, 'build', 'Release', 'libvirt.node');
  if (!fs.existsSync(addon)) throw new Error(`a libvirt lab needs ${addon}: apt-get install libvirt-dev pkg-config, then npm install`);
  const files = [
    path.join(binding, 'package.json'),
    addon,
    ...filesUnder(path.join(binding, 'dist')).filter((f) => f.endsWith('.js')),
    ...RUNTIME_PACKAGES.flatMap((p) => filesUnder(path.join(nodeModules, p))),
  ];
  return files.map((f) => ({
    path: path.posix.join(BINDING_DIR, path.relative(nodeModules, f)),
    mode: f.endsWith('.node') ? 0o755 : 0o644,
    type: 'file' as const,
    data: fs.readFileSync(f),
  }));
}
