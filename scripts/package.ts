// `npm run package`: dist/pkg/xen-drbd_<version>_all.deb (dpkg-deb) for Debian dom0s and
// xen-drbd-<version>-1.noarch.rpm (rpmbuild) for XCP-ng/XenServer, each staged from the install
// plan (src/install/plan.ts) that `xen-drbd install` also follows; and, where npm built the libvirt
// binding, xen-drbd-libvirt_<version>_amd64.deb. Tools run from argv arrays.
// A package whose tool is not installed is left out with a word on what to install (a Debian
// machine often has no rpmbuild); the run fails only when it built nothing.
// Usage: tsx scripts/package.ts [--out DIR] [--only deb|deb-libvirt|rpm] [--dist DIR]
// (--dist: package a copy of the built executables, e.g. the lab's snapshot of dist/.)
import { execFileSync } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { contentOf, missingSources, originFor, type Origin } from '../src/install/content';
import { installPlan, LIB_DIR, type Layout, type PlanEntry } from '../src/install/plan';
import { BINDING_PACKAGE, bindingFiles, NOT_BUILT } from './libvirt-binding';

const REPO = resolve(__dirname, '..');
const PACKAGING = join(REPO, 'packaging');
// TODO(maintainer): a real address before the first public upload; lintian checks only the form.
const MAINTAINER = 'xen-drbd maintainers <xen-drbd@lists.example.org>';
const DOC_DIR = '/usr/share/doc/xen-drbd';

function run(argv: readonly string[]): string {
  try {
    return execFileSync(argv[0] as string, argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`${argv.join(' ')} failed: ${err.stderr?.trim() || err.message}`, { cause: e });
  }
}

function mkdirs(root: string, dir: string): void {
  let d = root;
  for (const part of dir.split('/').filter((p) => p !== '')) {
    d = join(d, part);
    mkdirSync(d, { recursive: true, mode: 0o755 });
    chmodSync(d, 0o755);
  }
}

function writeStaged(root: string, path: string, data: string | Buffer, mode: number): void {
  mkdirs(root, dirname(path));
  writeFileSync(join(root, path), data, { mode });
  chmodSync(join(root, path), mode);
}

/** The plan's files under `root`, plus the package documentation every package carries. */
function stage(root: string, plan: readonly PlanEntry[], origin: Origin): void {
  chmodSync(root, 0o755);
  for (const e of plan) {
    const c = contentOf(e, origin);
    if (c.kind === 'symlink') {
      mkdirs(root, dirname(e.path));
      symlinkSync(c.target, join(root, e.path));
    } else {
      writeStaged(root, e.path, c.bytes, e.mode);
    }
  }
  writeStaged(root, `${DOC_DIR}/copyright`, readFileSync(join(PACKAGING, 'debian/copyright')), 0o644);
}

interface Staged {
  readonly path: string;
  readonly isFile: boolean;
}

function walk(dir: string): Staged[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    return d.isDirectory() ? [{ path, isFile: false }, ...walk(path)] : [{ path, isFile: d.isFile() }];
  });
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/@([A-Z_]+)@/g, (m, key: string) => {
    const v = values[key];
    if (v === undefined) throw new Error(`no value for ${m}`);
    return v;
  });
}

function buildDeb(origin: Origin, work: string, out: string): string {
  const root = join(work, 'deb');
  mkdirSync(root);
  stage(root, installPlan('debian'), origin);
  writeStaged(root, '/usr/share/lintian/overrides/xen-drbd', readFileSync(join(PACKAGING, 'debian/lintian-overrides')), 0o644);
  for (const script of ['preinst', 'postinst', 'postrm'])
    writeStaged(root, `/DEBIAN/${script}`, readFileSync(join(PACKAGING, 'debian', script)), 0o755);
  writeStaged(root, '/DEBIAN/triggers', readFileSync(join(PACKAGING, 'debian/triggers')), 0o644);
  return packDeb(root, origin, { name: 'xen-drbd', arch: 'all', control: 'debian/control.in' }, out);
}

/**
 * xen-drbd-libvirt_<version>_amd64.deb: the libvirt binding npm built here (scripts/libvirt-binding.ts),
 * for the libvirt0 of the Debian release it was built on.
 */
function buildLibvirtDeb(origin: Origin, work: string, out: string): string {
  const files = bindingFiles(join(REPO, 'node_modules'));
  if (files === undefined) throw new Error(NOT_BUILT);
  const root = join(work, 'deb-libvirt');
  mkdirSync(root);
  chmodSync(root, 0o755);
  for (const f of files) writeStaged(root, f.path, readFileSync(f.source), 0o644);
  // node-gyp leaves the debugging symbols in; Debian ships shared objects stripped.
  for (const f of files.filter((x) => x.path.endsWith('.node')))
    run(['strip', '--strip-unneeded', '--remove-section=.comment', '--remove-section=.note', join(root, f.path)]);
  writeStaged(
    root,
    `/usr/share/lintian/overrides/${BINDING_PACKAGE}`,
    readFileSync(join(PACKAGING, 'debian/lintian-overrides-libvirt')),
    0o644,
  );
  // Its own copyright: the bundled packages' stanzas, and the license texts xen-drbd's file holds.
  const licenses = readFileSync(join(PACKAGING, 'debian/copyright'), 'utf8')
    .trimEnd()
    .split('\n\n')
    .filter((p) => p.startsWith('License:'))
    .join('\n\n');
  const copyright = fill(readFileSync(join(PACKAGING, 'debian/copyright-libvirt.in'), 'utf8'), { LICENSES: licenses });
  writeStaged(root, `/usr/share/doc/${BINDING_PACKAGE}/copyright`, `${copyright.trimEnd()}\n`, 0o644);
  return packDeb(root, origin, { name: BINDING_PACKAGE, arch: 'amd64', control: 'debian/control-libvirt.in' }, out);
}

/** The changelog, md5sums and control of a staged package, and dpkg-deb. */
function packDeb(root: string, origin: Origin, pkg: { name: string; arch: string; control: string }, out: string): string {
  const changelog = fill(readFileSync(join(PACKAGING, 'debian/changelog.in'), 'utf8'), {
    PACKAGE: pkg.name,
    VERSION: origin.version,
    MAINTAINER,
    DATE: new Date(`${origin.date}T00:00:00Z`).toUTCString().replace('GMT', '+0000'),
  });
  writeStaged(root, `/usr/share/doc/${pkg.name}/changelog.gz`, gzipSync(changelog, { level: 9 }), 0o644);

  // Installed-Size as dpkg-gencontrol counts it: KiB per file rounded up, 1 per directory or link.
  const staged = walk(root).filter((e) => !relative(root, e.path).startsWith('DEBIAN'));
  const kib = staged.reduce((sum, e) => sum + (e.isFile ? Math.ceil(statSync(e.path).size / 1024) : 1), 0);
  const md5sums = staged
    .filter((e) => e.isFile)
    .map((e) => `${createHash('md5').update(readFileSync(e.path)).digest('hex')}  ${relative(root, e.path)}`)
    .join('\n');
  const control = fill(readFileSync(join(PACKAGING, pkg.control), 'utf8'), {
    VERSION: origin.version,
    MAINTAINER,
    INSTALLED_SIZE: String(kib),
  });
  writeStaged(root, '/DEBIAN/control', control, 0o644);
  writeStaged(root, '/DEBIAN/md5sums', `${md5sums}\n`, 0o644);

  const deb = join(out, `${pkg.name}_${origin.version}_${pkg.arch}.deb`);
  run(['dpkg-deb', '--root-owner-group', '-Zxz', '--build', root, deb]);
  return deb;
}

/** The spec's %files: modes from the plan, /etc files as config, our own directories owned. */
function rpmFiles(plan: readonly PlanEntry[]): string {
  const lines = [
    `%dir %attr(0755,root,root) ${LIB_DIR}`,
    `%dir %attr(0755,root,root) ${DOC_DIR}`,
    `%doc %attr(0644,root,root) ${DOC_DIR}/copyright`,
  ];
  for (const e of plan) {
    if (e.source.kind === 'symlink') lines.push(e.path);
    else lines.push(`${e.path.startsWith('/etc/') ? '%config(noreplace) ' : ''}%attr(0${e.mode.toString(8)},root,root) ${e.path}`);
  }
  return lines.join('\n');
}

function buildRpm(origin: Origin, work: string, out: string): string {
  const layout: Layout = 'xcp-ng';
  const plan = installPlan(layout);
  const root = join(work, 'rpm-stage');
  mkdirSync(root);
  stage(root, plan, origin);
  const top = join(work, 'rpmbuild');
  const spec = join(work, 'xen-drbd.spec');
  writeFileSync(
    spec,
    fill(readFileSync(join(PACKAGING, 'rpm/xen-drbd.spec.in'), 'utf8'), { VERSION: origin.version, FILES: rpmFiles(plan) }),
  );
  // gzip payload stated, not defaulted: CentOS 7's rpm 4.11 (XCP-ng dom0) cannot read zstd ones.
  const defines = [`_topdir ${top}`, `stage ${root}`, '_build_id_links none', '_binary_payload w9.gzdio'];
  run(['rpmbuild', '-bb', ...defines.flatMap((d) => ['--define', d]), spec]);
  const name = `xen-drbd-${origin.version}-1.noarch.rpm`;
  copyFileSync(join(top, 'RPMS', 'noarch', name), join(out, name));
  return join(out, name);
}

type Kind = 'deb' | 'deb-libvirt' | 'rpm';
const KINDS: readonly Kind[] = ['deb', 'deb-libvirt', 'rpm'];

/** Each package: the tools that build it, where to get them, what else it needs, and the build. */
const PACKAGES: Record<
  Kind,
  {
    tools: readonly string[];
    install: string;
    missing?: () => string | undefined;
    build: (origin: Origin, work: string, out: string) => string;
  }
> = {
  deb: { tools: ['dpkg-deb'], install: 'Debian: apt-get install dpkg; Fedora/RHEL: dnf install dpkg', build: buildDeb },
  'deb-libvirt': {
    tools: ['dpkg-deb', 'strip'],
    install: 'Debian: apt-get install dpkg binutils',
    missing: () => (bindingFiles(join(REPO, 'node_modules')) === undefined ? NOT_BUILT : undefined),
    build: buildLibvirtDeb,
  },
  rpm: { tools: ['rpmbuild'], install: 'Debian: apt-get install rpm; Fedora/RHEL: dnf install rpm-build', build: buildRpm },
};

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => {
    if (dir === '') return false;
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return statSync(join(dir, tool)).isFile();
    } catch {
      return false;
    }
  });
}

function parseArgs(argv: readonly string[]): { out: string; only?: Kind; dist: string } {
  let out = join(REPO, 'dist', 'pkg');
  let dist = join(REPO, 'dist');
  let only: Kind | undefined;
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--out' && value !== undefined) out = resolve(value);
    else if (flag === '--only' && KINDS.includes(value as Kind)) only = value as Kind;
    else if (flag === '--dist' && value !== undefined) dist = resolve(value);
    else throw new Error('usage: tsx scripts/package.ts [--out DIR] [--only deb|deb-libvirt|rpm] [--dist DIR]');
  }
  return { out, only, dist };
}

function main(): void {
  const { out, only, dist } = parseArgs(process.argv.slice(2));
  const origin = originFor(dist, REPO, process.env);
  const missing = [...new Set([...missingSources(installPlan('debian'), origin), ...missingSources(installPlan('xcp-ng'), origin)])];
  if (missing.length > 0) throw new Error(`missing ${missing.join(', ')}: run \`npm run build\` first`);
  const wanted: Kind[] = only === undefined ? [...KINDS] : [only];
  const buildable = wanted.filter((kind) => {
    const { tools, install, missing } = PACKAGES[kind];
    const absent = tools.filter((t) => !onPath(t));
    const why = absent.length === 0 ? missing?.() : `${absent.join(', ')} not found (${install})`;
    if (why === undefined) return true;
    process.stderr.write(`package: ${kind} not built: ${why}\n`);
    return false;
  });
  if (buildable.length === 0) throw new Error(only === undefined ? 'nothing built' : `${only} not built`);
  mkdirSync(out, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'xen-drbd-package-'));
  try {
    for (const kind of buildable) {
      const p = PACKAGES[kind].build(origin, work, out);
      process.stdout.write(`${relative(process.cwd(), p)} (${statSync(p).size} bytes)\n`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

try {
  main();
} catch (e) {
  process.stderr.write(`package: ${(e as Error).message}\n`);
  process.exitCode = 1;
}
