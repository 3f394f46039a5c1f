// What each dom0 boots from: the cached base cpio with a per-run overlay appended (/init, the
// agent, the guest's init and payload, the executables under test and their .deb).
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildCpio, withParents, type CpioEntry } from './cpio';

export type ScriptChoice = 'debian' | 'dist';
/** The DRBD kernel module dom0 loads: the kernel's own 8.4, or LINBIT's 9 (build.sh, drbd9.cpio). */
export type DrbdVersion = 8.4 | 9;

/** The guest's payload: a SHA-256 counter stream, so its checksum is known up front. */
export function guestPayload(size: number): { data: Buffer; sha256: string } {
  const parts: Buffer[] = [];
  for (let i = 0, n = 0; n < size; i++, n += 32) parts.push(crypto.createHash('sha256').update(`xen-drbd-lab-${i}`).digest());
  const data = Buffer.concat(parts).subarray(0, size);
  return { data, sha256: crypto.createHash('sha256').update(data).digest('hex') };
}

export interface OverlayInput {
  readonly labDir: string;
  readonly distDir: string;
  readonly host: {
    readonly name: string;
    readonly kind: string;
    readonly replIp: string;
    readonly replMac: string;
    readonly ctlMac: string;
  };
  readonly script: ScriptChoice;
  readonly drbd: DrbdVersion;
  readonly payload: Buffer;
  readonly payloadSha256: string;
  /** The .deb each dom0 installs in `dist` mode. */
  readonly deb?: string;
  /** A libvirt lab's xen-drbd-libvirt .deb (the libvirt binding), installed after the first. */
  readonly libvirtDeb?: string;
  /** What an earlier boot's install left (install-cache.ts): restored instead of running dpkg -i. */
  readonly installCache?: readonly CpioEntry[];
  /** This host captures what its dpkg -i changes, for the next boots (install-cache.ts). */
  readonly captureInstall?: boolean;
}

/** The overlay cpio for one host. */
export function overlayCpio(o: OverlayInput): Buffer {
  const guestDir = path.join(o.labDir, 'guest');
  const domuOverlay = buildCpio(
    withParents([
      { path: 'init', mode: 0o755, type: 'file', data: fs.readFileSync(path.join(guestDir, 'domu-init.sh')) },
      { path: 'payload.bin', mode: 0o644, type: 'file', data: o.payload },
    ]),
  );
  const config = [
    `LAB_HOST=${o.host.name}`,
    `LAB_KIND=${o.host.kind}`,
    `LAB_REPL_IP=${o.host.replIp}`,
    `LAB_REPL_MAC=${o.host.replMac}`,
    `LAB_CTL_MAC=${o.host.ctlMac}`,
    `LAB_AGENT_PORT=7000`,
    `LAB_SCRIPT=${o.script}`,
    `LAB_DRBD=${o.drbd}`,
    `LAB_INSTALL_CAPTURE=${o.captureInstall ? 1 : 0}`,
    '',
  ].join('\n');
  const entries: CpioEntry[] = [
    { path: 'init', mode: 0o755, type: 'file', data: fs.readFileSync(path.join(guestDir, 'dom0-init.sh')) },
    { path: 'lab/config', mode: 0o644, type: 'file', data: config },
    { path: 'lab/agent.js', mode: 0o644, type: 'file', data: fs.readFileSync(path.join(guestDir, 'agent.js')) },
    { path: 'lab/forker.pl', mode: 0o644, type: 'file', data: fs.readFileSync(path.join(guestDir, 'forker.pl')) },
    { path: 'lab/reset.sh', mode: 0o755, type: 'file', data: fs.readFileSync(path.join(guestDir, 'reset.sh')) },
    { path: 'lab/install-cache.sh', mode: 0o755, type: 'file', data: fs.readFileSync(path.join(guestDir, 'install-cache.sh')) },
    { path: 'lab/domu/overlay.cpio', mode: 0o644, type: 'file', data: domuOverlay },
    { path: 'lab/payload.sha256', mode: 0o644, type: 'file', data: o.payloadSha256 + '\n' },
  ];
  for (const exe of ['block-drbd', 'xen-drbd', 'DrbdlvmSR']) {
    const f = path.join(o.distDir, exe);
    if (fs.existsSync(f)) entries.push({ path: `lab/dist/${exe}`, mode: 0o755, type: 'file', data: fs.readFileSync(f) });
  }
  if (o.deb) entries.push({ path: 'lab/xen-drbd.deb', mode: 0o644, type: 'file', data: fs.readFileSync(o.deb) });
  if (o.libvirtDeb) entries.push({ path: 'lab/xen-drbd-libvirt.deb', mode: 0o644, type: 'file', data: fs.readFileSync(o.libvirtDeb) });
  entries.push(...(o.installCache ?? []));
  return buildCpio(withParents(entries));
}

/** The SR driver under test in every dom0: dist/DrbdlvmSR as packed above (no package installs it on Debian). */
export const DOM0_SR_DRIVER = '/lab/dist/DrbdlvmSR';

/** The base cpio, then any extra cached cpio (the DRBD 9 modules, libvirt), then the overlay, written to `out`. */
export function writeInitrd(baseCpio: string, overlay: Buffer, out: string, extraCpios: readonly string[] = []): string {
  fs.copyFileSync(baseCpio, out);
  for (const c of extraCpios) fs.appendFileSync(out, fs.readFileSync(c));
  fs.appendFileSync(out, overlay);
  return out;
}

/**
 * A .deb each dom0 installs with dpkg in `dist` mode (so every lab run tests the package), built
 * from distDir by scripts/package.ts into outDir: xen-drbd's own, or (`deb-libvirt`) the libvirt
 * binding's for a libvirt lab.
 */
export function buildDebianPackage(repoRoot: string, distDir: string, outDir: string, kind: 'deb' | 'deb-libvirt' = 'deb'): string {
  if (!fs.existsSync(path.join(distDir, 'block-drbd')))
    throw new Error(`script=dist but ${distDir}/block-drbd does not exist (run npm run build)`);
  const r = spawnSync(
    process.execPath,
    [
      path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
      path.join(repoRoot, 'scripts', 'package.ts'),
      '--dist',
      distDir,
      '--out',
      outDir,
      '--only',
      kind,
    ],
    { encoding: 'utf8' },
  );
  const name = kind === 'deb' ? /^xen-drbd_.*_all\.deb$/ : /^xen-drbd-libvirt_.*_amd64\.deb$/;
  const deb = fs.readdirSync(outDir).find((f) => name.test(f));
  if (r.status !== 0 || !deb) throw new Error(`building the ${kind} package for the lab failed: ${r.stderr || r.stdout}`);
  return path.join(outDir, deb);
}
