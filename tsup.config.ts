import { defineConfig } from 'tsup';
import { launcherBanner } from './src/startup-snapshot/layout';

// One self-contained CommonJS file per executable, every dependency inlined. CJS because an
// extensionless file in /etc/xen/scripts must run under any Node >= 18.19 without a package.json.
export default defineConfig({
  entry: {
    'block-drbd': 'src/scripts/block-drbd/main.ts',
    'xen-drbd': 'src/scripts/xen-drbd/main.ts',
    DrbdlvmSR: 'src/scripts/drbdlvm-sr/main.ts',
    'libvirt-hook': 'src/scripts/libvirt-hook/main.ts',
  },
  outDir: 'dist',
  format: ['cjs'],
  platform: 'node',
  target: 'node18',
  noExternal: [/.*/],
  splitting: false,
  sourcemap: false,
  clean: true,
  // Installed names carry no extension (/etc/xen/scripts/block-drbd); tsup cannot emit none, so
  // onSuccess renames, puts each bundle's name into its launcher and keeps the mode 0755 that the
  // shebang earns.
  outExtension: () => ({ js: '.cjs' }),
  // sh, then node: the launcher picks the start-up snapshot or the plain bundle (src/startup-snapshot/layout.ts).
  banner: { js: launcherBanner() },
  onSuccess: 'node scripts/finish-build.cjs',
});
