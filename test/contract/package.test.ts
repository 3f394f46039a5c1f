// `npm run package` (scripts/package.ts) on the built dist/, inspected with the real tools:
// dpkg-deb and lintian for the .deb, rpm/rpm2cpio/cpio for the .rpm. Both must hold exactly the
// install plan's files, byte for byte, and `xen-drbd install --destdir` must lay down the same.
// lintian and rpmbuild are skipped only when missing outside CI; under CI=true (.ci/run installs
// them) a missing tool fails. Without rpmbuild the script builds the .deb alone and says so.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blockDrbdPage } from '../../src/help/block-drbd';
import { pageText } from '../../src/help/text';
import { contentOf, originFor } from '../../src/install/content';
import { DEB_DIVERSIONS, describeEntry, installPlan, XAPI_DROP_IN, type Layout } from '../../src/install/plan';
import { BINDING_DIR } from '../../src/libvirt/binding';
import { LIBVIRT_DAEMONS } from '../../src/startup-snapshot/targets';
import { BINDING_PACKAGE, bindingFiles } from '../../scripts/libvirt-binding';
import { REPO_ROOT, runBuilt } from '../support/run-built';

const CI = process.env.CI === 'true';
const EPOCH = '1767225600'; // 2026-01-01: fixed, so the man pages can be compared byte for byte
const origin = originFor(join(REPO_ROOT, 'dist'), REPO_ROOT, { SOURCE_DATE_EPOCH: EPOCH });
const VERSION = origin.version;

function tool(
  argv: readonly string[],
  opts: { input?: Buffer | string; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): SpawnSyncReturns<string> {
  return spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8', timeout: 120_000, ...opts });
}

function ok(argv: readonly string[], opts: { input?: Buffer | string; cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const r = tool(argv, opts);
  if (r.error !== undefined || r.status !== 0) throw new Error(`${argv.join(' ')}: ${r.error?.message ?? `exit ${r.status}`}\n${r.stderr}`);
  return r.stdout;
}

const present = (name: string) => tool([name, '--version']).error === undefined;
const hasLintian = present('lintian');
const hasRpm = present('rpmbuild') && present('rpm') && present('cpio');
/** describe() for tests that need a tool: skipped locally without it, failing under CI (where .ci/run installs it). */
function describeIf(available: boolean, needs: string, name: string, fn: () => void): void {
  if (available) describe(name, fn);
  else if (CI) {
    describe(name, () => {
      test(`needs ${needs}`, () => {
        throw new Error(`${needs}: not installed here (.ci/run installs it)`);
      });
    });
  } else describe.skip(name, fn);
}

const scratch: string[] = [];
function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `xen-drbd-${prefix}-`));
  scratch.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

const out = scratchDir('pkg');
const deb = join(out, `xen-drbd_${VERSION}_all.deb`);
const rpm = join(out, `xen-drbd-${VERSION}-1.noarch.rpm`);

function packageScript(args: readonly string[], env: NodeJS.ProcessEnv = process.env): SpawnSyncReturns<string> {
  return tool([join(REPO_ROOT, 'node_modules/.bin/tsx'), join(REPO_ROOT, 'scripts/package.ts'), ...args], {
    cwd: REPO_ROOT,
    env: { ...env, SOURCE_DATE_EPOCH: EPOCH },
  });
}

beforeAll(() => {
  const r = packageScript(['--out', out]);
  if (r.status !== 0) throw new Error(`scripts/package.ts failed (exit ${r.status}): ${r.stderr}`);
}, 180_000);

describe('npm run package on a machine without rpmbuild', () => {
  // A PATH with only what the .deb needs (dpkg-deb and the tar it runs) and node.
  const bin = scratchDir('no-rpmbuild');
  const pkgOut = scratchDir('pkg-deb-only');
  const env = { ...process.env, PATH: bin };
  beforeAll(() => {
    for (const name of ['dpkg-deb', 'tar']) symlinkSync(ok(['sh', '-c', `command -v ${name}`]).trim(), join(bin, name));
    symlinkSync(process.execPath, join(bin, 'node'));
  });

  test('builds the .deb, says what was not built and how to get the tools, and exits 0', () => {
    const r = packageScript(['--out', pkgOut], env);
    expect({ status: r.status, stderr: r.stderr }).toEqual({
      status: 0,
      stderr:
        'package: deb-libvirt not built: strip not found (Debian: apt-get install dpkg binutils)\n' +
        'package: rpm not built: rpmbuild not found (Debian: apt-get install rpm; Fedora/RHEL: dnf install rpm-build)\n',
    });
    expect(readdirSync(pkgOut)).toEqual([`xen-drbd_${VERSION}_all.deb`]);
  }, 120_000);

  test('asked for the .rpm alone, it builds nothing and fails', () => {
    const r = packageScript(['--out', pkgOut, '--only', 'rpm'], env);
    expect({ status: r.status, stderr: r.stderr }).toEqual({
      status: 1,
      stderr:
        'package: rpm not built: rpmbuild not found (Debian: apt-get install rpm; Fedora/RHEL: dnf install rpm-build)\npackage: rpm not built\n',
    });
  });
});

/** What a root holds below `dir`: path -> "mode" or "-> target", files and links only. */
function tree(root: string, dir = ''): Record<string, string> {
  const found: Record<string, string> = {};
  for (const name of readdirSync(join(root, dir))) {
    const rel = `${dir}/${name}`;
    const st = lstatSync(join(root, rel));
    if (st.isDirectory()) Object.assign(found, tree(root, rel));
    else found[rel] = st.isSymbolicLink() ? `-> ${readlinkSync(join(root, rel))}` : (st.mode & 0o7777).toString(8);
  }
  return found;
}

function planTree(layout: Layout): Record<string, string> {
  return Object.fromEntries(
    installPlan(layout).map((e) => [e.path, e.source.kind === 'symlink' ? `-> ${e.source.target}` : e.mode.toString(8)]),
  );
}

/** Every plan entry's bytes (or link) in an extracted root equal what the plan says they are. */
function expectPlanContent(root: string, layout: Layout): void {
  for (const e of installPlan(layout)) {
    const c = contentOf(e, origin);
    if (c.kind === 'symlink') expect(readlinkSync(join(root, e.path))).toBe(c.target);
    else expect({ path: e.path, same: readFileSync(join(root, e.path)).equals(c.bytes) }).toEqual({ path: e.path, same: true });
  }
}

/** lintian on a built .deb: no tag at any level but the overrides, and each override explained. */
function lintianClean(debPath: () => string, overrides: string): void {
  describeIf(hasLintian, 'lintian', 'lintian', () => {
    test('reports nothing, pedantic and experimental tags included (overrides aside)', () => {
      const flags = ['--pedantic', '--display-info', '--display-experimental', '--fail-on', 'error,warning,info,pedantic,experimental'];
      const r = tool(['lintian', ...flags, debPath()]);
      expect(r.error).toBeUndefined();
      expect({ status: r.status, tags: r.stdout.trim() }).toEqual({ status: 0, tags: '' });
    }, 180_000);

    test('every override carries its justification on the comment lines above it (or above its group)', () => {
      const lines = readFileSync(join(REPO_ROOT, overrides), 'utf8').trimEnd().split('\n');
      lines.forEach((l, i) => {
        if (!l.startsWith('#'))
          expect({ override: l, justified: /^#|^[a-z0-9-]+: /.test(lines[i - 1] ?? '') }).toEqual({ override: l, justified: true });
      });
    });
  });
}

describe('the .deb', () => {
  test('control: name, version from package.json, arch all, the dependencies of issue #7', () => {
    const fields = ok(['dpkg-deb', '-f', deb, 'Package', 'Version', 'Architecture', 'Depends']);
    expect(fields).toBe(
      `Package: xen-drbd\nVersion: ${VERSION}\nArchitecture: all\nDepends: nodejs (>= 18.19), drbd-utils, xen-utils-common\n`,
    );
  });

  test('holds the debian plan plus its documentation, every entry root-owned', () => {
    const listing = ok(['dpkg-deb', '-c', deb]).trim().split('\n');
    for (const line of listing) expect(line).toMatch(/^[-dl]r\S+ root\/root /);
    const x = scratchDir('deb');
    ok(['dpkg-deb', '-x', deb, x]);
    expect(tree(x)).toEqual({
      ...planTree('debian'),
      '/usr/share/doc/xen-drbd/copyright': '644',
      '/usr/share/doc/xen-drbd/changelog.gz': '644',
      '/usr/share/lintian/overrides/xen-drbd': '644',
    });
    expectPlanContent(x, 'debian');
  });

  describe('maintainer scripts', () => {
    const ctl = scratchDir('ctl');
    const bin = scratchDir('fakebin');
    const log = join(bin, 'calls');
    // DPKG_ROOT for the scripts that take it: postrm's rm -rf must land here, never on this host.
    const dpkgRoot = scratchDir('dpkg-root');
    const snapshots = join(dpkgRoot, 'usr/lib/xen-drbd/startup-snapshot');

    beforeAll(() => {
      ok(['dpkg-deb', '-e', deb, ctl]);
      // A dpkg-divert and a xen-drbd that only record their arguments, one call per line; xen-drbd
      // fails when FAIL is set.
      writeFileSync(join(bin, 'dpkg-divert'), `#!/bin/sh\necho "$*" >> "${log}"\n`);
      writeFileSync(join(bin, 'xen-drbd'), `#!/bin/sh\necho "xen-drbd $*" >> "${log}"\n[ -z "$FAIL" ]\n`);
      for (const f of ['dpkg-divert', 'xen-drbd']) chmodSync(join(bin, f), 0o755);
    });

    function calls(script: string, args: string[], env: NodeJS.ProcessEnv = { DPKG_ROOT: dpkgRoot }): string[] {
      writeFileSync(log, '');
      ok([join(ctl, script), ...args], { env: { ...process.env, PATH: `${bin}:/usr/bin:/bin`, ...env } });
      return readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => l !== '');
    }

    const add = DEB_DIVERSIONS.map((d) => `--package xen-drbd --add --rename --divert ${d.divertTo} ${d.path}`);
    const remove = DEB_DIVERSIONS.map((d) => `--package xen-drbd --remove --rename --divert ${d.divertTo} ${d.path}`);
    const build = ['xen-drbd startup-snapshot'];

    test('preinst, postinst, postrm parse as sh; triggers on node and the libvirt daemons', () => {
      expect(readdirSync(ctl).sort()).toEqual(['control', 'md5sums', 'postinst', 'postrm', 'preinst', 'triggers']);
      for (const s of ['preinst', 'postinst', 'postrm']) expect(tool(['sh', '-n', join(ctl, s)]).status).toBe(0);
      expect(readFileSync(join(ctl, 'triggers'), 'utf8')).toBe(
        ['/usr/bin/node', ...LIBVIRT_DAEMONS].map((p) => `interest-noawait ${p}\n`).join(''),
      );
    });

    test.each([
      ['preinst', ['install'], add],
      ['preinst', ['upgrade', '0.0.9'], add],
      ['preinst', ['abort-upgrade', '0.2.0'], []],
      ['postrm', ['remove'], remove],
      ['postrm', ['abort-install'], remove],
      ['postrm', ['disappear', 'other-package', '1.0'], remove],
      ['postrm', ['purge'], []],
      ['postrm', ['upgrade', '0.2.0'], []],
      ['postrm', ['failed-upgrade', '0.0.9'], []],
    ])('%s %j calls %j', (script, args, expected) => {
      expect(calls(script, args)).toEqual(expected);
    });

    test.each([
      [['configure', '0.0.9'], build],
      [['configure', ''], build],
      [['triggered', '/usr/bin/node'], build],
      [['abort-upgrade', '0.2.0'], []],
    ])('postinst %j calls %j', (args, expected) => {
      expect(calls('postinst', args, { DPKG_ROOT: '' })).toEqual(expected);
    });

    test('postinst builds no snapshot under dpkg --root (it would be the host node), and a failed build fails no install', () => {
      expect(calls('postinst', ['configure', ''], { DPKG_ROOT: dpkgRoot })).toEqual([]);
      const r = tool([join(ctl, 'postinst'), 'configure', ''], {
        env: { ...process.env, PATH: `${bin}:/usr/bin:/bin`, DPKG_ROOT: '', FAIL: '1' },
      });
      expect({ status: r.status, stderr: r.stderr }).toEqual({
        status: 0,
        stderr: "xen-drbd: the executables start without start-up snapshots (see above); 'xen-drbd startup-snapshot' builds them\n",
      });
    });

    test.each([['remove'], ['abort-install']])('postrm %s removes the start-up snapshots (under DPKG_ROOT)', (action) => {
      mkdirSync(join(snapshots, 'block-drbd'), { recursive: true });
      writeFileSync(join(snapshots, 'block-drbd/blob'), 'x');
      calls('postrm', [action]);
      expect(readdirSync(join(dpkgRoot, 'usr/lib/xen-drbd'))).toEqual([]);
    });
  });

  describe('a real dpkg on a throwaway root', () => {
    // `dpkg --root R --force-script-chrootless` runs the maintainer scripts on this host with
    // DPKG_ROOT=R, which dpkg-divert honours. So they must call nothing but dpkg-divert: checked first.
    const root = scratchDir('dpkgroot');
    const dpkg = (...args: string[]) =>
      tool(['dpkg', `--root=${root}`, `--log=${join(root, 'dpkg.log')}`, '--force-script-chrootless', '--force-depends', ...args], {
        env: { ...process.env, PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
      });
    const scripts = scratchDir('dpkg-ctl');
    const blockDrbd = join(root, 'etc/xen/scripts/block-drbd');

    /** A stand-in drbd-utils owning LINBIT's block-drbd as a conffile, as Debian's does. */
    function fakeDrbdUtils(version: string, text: string): string {
      const tree = scratchDir('fake-drbd-utils');
      mkdirSync(join(tree, 'DEBIAN'));
      mkdirSync(join(tree, 'etc/xen/scripts'), { recursive: true });
      writeFileSync(join(tree, 'etc/xen/scripts/block-drbd'), text, { mode: 0o755 });
      writeFileSync(
        join(tree, 'DEBIAN/control'),
        `Package: drbd-utils\nVersion: ${version}\nArchitecture: all\nMaintainer: test <test@example.org>\nDescription: stand-in\n`,
      );
      writeFileSync(join(tree, 'DEBIAN/conffiles'), '/etc/xen/scripts/block-drbd\n');
      const debFile = join(scratchDir('fake-deb'), `drbd-utils_${version}_all.deb`);
      ok(['dpkg-deb', '--root-owner-group', '--build', tree, debFile]);
      return debFile;
    }

    beforeAll(() => {
      mkdirSync(join(root, 'var/lib/dpkg/info'), { recursive: true });
      mkdirSync(join(root, 'var/lib/dpkg/updates'));
      writeFileSync(join(root, 'var/lib/dpkg/status'), '');
      ok(['dpkg-deb', '-e', deb, scripts]);
    });

    /** Lines of preinst/postrm that are not plain case/exit plumbing or a dpkg-divert call. */
    function otherCommands(): string[] {
      const allowed = [
        /^#!\/bin\/sh$/,
        /^set -e$/,
        /^case "\$1" in$/,
        /^[a-z|-]+\)$/,
        /^;;$/,
        /^esac$/,
        /^exit 0$/,
        /^dpkg-divert --package xen-drbd /,
        // postinst's build, skipped under dpkg --root; postrm's removal, under DPKG_ROOT.
        /^if \[ -z "\$DPKG_ROOT" \]; then$/,
        /^xen-drbd startup-snapshot\s+\|\| echo "[^"]*" >&2$/,
        /^fi$/,
        /^rm -rf "\$DPKG_ROOT\/usr\/lib\/xen-drbd\/startup-snapshot"$/,
      ];
      return ['preinst', 'postinst', 'postrm'].flatMap((s) =>
        readFileSync(join(scripts, s), 'utf8')
          .replace(/\\\n\s*/g, ' ')
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l !== '' && !l.startsWith('# ') && !allowed.some((re) => re.test(l)))
          .map((l) => `${s}: ${l}`),
      );
    }

    test('the maintainer scripts run nothing but dpkg-divert, under dpkg --root', () => {
      expect(otherCommands()).toEqual([]);
    });

    test("install diverts drbd-utils' block-drbd, its upgrades land in the diverted copy, remove gives it back", () => {
      if (otherCommands().length > 0) throw new Error('not running the maintainer scripts on this host: they call more than dpkg-divert');
      mkdirSync(join(root, 'usr/lib/xen-drbd/startup-snapshot/block-drbd'), { recursive: true });
      expect(dpkg('-i', fakeDrbdUtils('9.22.0-1', '#!/bin/bash\n# LINBIT v1\n')).status).toBe(0);
      expect(dpkg('-i', deb).status).toBe(0);
      expect(readlinkSync(blockDrbd)).toBe('/usr/libexec/xen-drbd/block-drbd');
      expect(readFileSync(`${blockDrbd}.drbd-utils`, 'utf8')).toBe('#!/bin/bash\n# LINBIT v1\n');
      expect(ok(['dpkg-divert', `--root=${root}`, '--listpackage', '/etc/xen/scripts/block-drbd']).trim()).toBe('xen-drbd');

      expect(dpkg('-i', deb).status).toBe(0); // an upgrade (same version) keeps the diversion
      expect(readlinkSync(blockDrbd)).toBe('/usr/libexec/xen-drbd/block-drbd');

      // stdin is closed: a conffile question would fail the run.
      const upgrade = dpkg('-i', fakeDrbdUtils('9.22.0-2', '#!/bin/bash\n# LINBIT v2\n'));
      expect(upgrade.status).toBe(0);
      expect(readlinkSync(blockDrbd)).toBe('/usr/libexec/xen-drbd/block-drbd');
      expect(readFileSync(`${blockDrbd}.drbd-utils`, 'utf8')).toBe('#!/bin/bash\n# LINBIT v2\n');

      expect(dpkg('--remove', 'xen-drbd').status).toBe(0);
      expect(readFileSync(blockDrbd, 'utf8')).toBe('#!/bin/bash\n# LINBIT v2\n');
      expect(ok(['dpkg-divert', `--root=${root}`, '--list']).trim()).toBe('');
      expect(readdirSync(join(root, 'etc/xen/scripts'))).toEqual(['block-drbd']);
      expect(readdirSync(join(root, 'usr/lib/xen-drbd'))).toEqual([]);
      expect(dpkg('--purge', 'xen-drbd').status).toBe(0);
    });
  });

  lintianClean(() => deb, 'packaging/debian/lintian-overrides');
});

const bindingBuilt = bindingFiles(join(REPO_ROOT, 'node_modules'));
const libvirtDeb = join(out, `${BINDING_PACKAGE}_${VERSION}_amd64.deb`);

describeIf(
  bindingBuilt !== undefined,
  'the libvirt binding, built by npm (libvirt-dev and pkg-config)',
  "the libvirt binding's .deb",
  () => {
    const files = bindingBuilt ?? [];

    test('control: amd64, tied to this xen-drbd, on libvirt0 and nodejs', () => {
      expect(ok(['dpkg-deb', '-f', libvirtDeb, 'Package', 'Version', 'Architecture', 'Depends'])).toBe(
        `Package: xen-drbd-libvirt\nVersion: ${VERSION}\nArchitecture: amd64\nDepends: xen-drbd (= ${VERSION}), nodejs (>= 18.19), libvirt0 (>= 9.0.0), libc6, libstdc++6\n`,
      );
    });

    test('holds what the binding runs and nothing else, root-owned, the addon stripped', () => {
      for (const line of ok(['dpkg-deb', '-c', libvirtDeb]).trim().split('\n')) expect(line).toMatch(/^[-d]r\S+ root\/root /);
      const x = scratchDir('deb-libvirt');
      ok(['dpkg-deb', '-x', libvirtDeb, x]);
      expect(tree(x)).toEqual({
        ...Object.fromEntries(files.map((f) => [f.path, '644'])),
        '/usr/share/doc/xen-drbd-libvirt/copyright': '644',
        '/usr/share/doc/xen-drbd-libvirt/changelog.gz': '644',
        '/usr/share/lintian/overrides/xen-drbd-libvirt': '644',
      });
      for (const f of files.filter((y) => !y.path.endsWith('.node')))
        expect({ path: f.path, same: readFileSync(join(x, f.path)).equals(readFileSync(f.source)) }).toEqual({ path: f.path, same: true });
      const addon = files.find((f) => f.path.endsWith('/libvirt.node'));
      expect(addon).toBeDefined();
      expect(ok(['readelf', '-S', join(x, addon?.path ?? '')])).not.toMatch(/\.symtab|\.debug_/);
    });

    test('the installed binding loads and reads libvirt (its test driver), as xen-drbd status loads it', () => {
      const x = scratchDir('deb-libvirt-load');
      ok(['dpkg-deb', '-x', libvirtDeb, x]);
      const entry = join(x, BINDING_DIR, 'dist', 'index.js');
      const script = `import(${JSON.stringify(`file://${entry}`)}).then(async (m) => { const h = new m.Hypervisor({ uri: 'test:///default' }); await h.connectOpen(); const d = await h.connectListAllDomains(); console.log(await h.domainGetName(d[0])); await h.connectClose(); })`;
      expect(ok([process.execPath, '-e', script]).trim()).toBe('test');
    });

    lintianClean(() => libvirtDeb, 'packaging/debian/lintian-overrides-libvirt');
  },
);

describeIf(hasRpm, 'rpmbuild, rpm and cpio', 'the .rpm', () => {
  const q = (fmt: string, ...flags: string[]) => ok(['rpm', '-qp', ...flags, '--qf', fmt, rpm]);

  test('noarch, version from package.json, gzip payload (rpm 4.11 on XCP-ng reads no zstd)', () => {
    expect(q('%{NAME} %{VERSION} %{ARCH} %{PAYLOADCOMPRESSOR}')).toBe(`xen-drbd ${VERSION} noarch gzip`);
  });

  test('holds the xcp-ng plan plus the copyright, root-owned; the sm-plugins drop-in is config', () => {
    const rows = q('[%{FILEMODES:perms} %{FILEUSERNAME}:%{FILEGROUPNAME} %{FILENAMES} %{FILELINKTOS}\n]').trim().split('\n');
    const files: Record<string, string> = {};
    for (const row of rows) {
      const [perms, owner, path, link] = row.split(' ') as [string, string, string, string];
      expect(`${path} ${owner}`).toBe(`${path} root:root`);
      if (perms.startsWith('d')) continue;
      files[path] = perms.startsWith('l') ? `-> ${link}` : perms;
    }
    const perms = (mode: string) => (mode === '755' ? '-rwxr-xr-x' : '-rw-r--r--');
    const expected = Object.fromEntries(Object.entries(planTree('xcp-ng')).map(([p, m]) => [p, m.startsWith('->') ? m : perms(m)]));
    expect(files).toEqual({ ...expected, '/usr/share/doc/xen-drbd/copyright': '-rw-r--r--' });
    expect(ok(['rpm', '-qpc', rpm]).trim()).toBe(XAPI_DROP_IN);
  });

  test('the payload is the plan, byte for byte', () => {
    const cpio = spawnSync('rpm2cpio', [rpm], { maxBuffer: 64 << 20 });
    expect(cpio.status).toBe(0);
    const x = scratchDir('rpm');
    ok(['cpio', '-idm', '--quiet'], { input: cpio.stdout, cwd: x });
    expectPlanContent(x, 'xcp-ng');
  });

  test('%post: valid sh; on this Node it builds the snapshots and prints the toolstack hint; %postun removes them on erase only', () => {
    const scripts = ok(['rpm', '-qp', '--scripts', rpm]);
    const m = /^postinstall scriptlet \(using \/bin\/sh\):\n([\s\S]*)postuninstall scriptlet \(using \/bin\/sh\):\n([\s\S]*)$/.exec(
      scripts,
    );
    expect(m).not.toBeNull();
    const [post, postun] = [(m as RegExpExecArray)[1] as string, (m as RegExpExecArray)[2] as string];
    const dir = scratchDir('post');
    writeFileSync(join(dir, 'post'), post);
    writeFileSync(join(dir, 'xen-drbd'), `#!/bin/sh\necho "xen-drbd $*" >> "${dir}/calls"\n`, { mode: 0o755 });
    expect(tool(['sh', '-n', join(dir, 'post')]).status).toBe(0);
    const r = tool(['sh', join(dir, 'post')], { env: { ...process.env, PATH: `${dir}:/usr/bin:/bin` } });
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({
      status: 0,
      stdout: 'xen-drbd: restart the toolstack on every host (xe-toolstack-restart) so that xapi loads drbdlvm\n',
      stderr: '',
    });
    expect(readFileSync(join(dir, 'calls'), 'utf8')).toBe('xen-drbd startup-snapshot\n');
    expect(postun.trim()).toBe('if [ "$1" = 0 ]; then\n    rm -rf /usr/lib/xen-drbd/startup-snapshot\nfi');
  });
});

describe('xen-drbd install from the built tree', () => {
  test('--destdir lays down the .deb payload exactly; uninstall takes it all back', () => {
    const root = scratchDir('destdir');
    mkdirSync(join(root, 'etc/xen/scripts'), { recursive: true });
    writeFileSync(join(root, 'etc/xen/scripts/block-drbd'), '#!/bin/bash\n# LINBIT\n');
    const r = runBuilt('xen-drbd', ['install', '--destdir', root, '--layout', 'debian'], { SOURCE_DATE_EPOCH: EPOCH });
    expect(r.code).toBe(0);
    for (const e of installPlan('debian')) expect(r.stdout).toContain(`install ${describeEntry(e)}\n`);
    const {
      '/var/lib/xen-drbd/install/manifest.json': manifest,
      '/etc/xen/scripts/block-drbd.xen-drbd-orig': kept,
      ...installed
    } = tree(root);
    expect({ manifest, kept }).toEqual({ manifest: '644', kept: '644' });
    expect(installed).toEqual(planTree('debian'));
    expectPlanContent(root, 'debian');

    // What `xen-drbd startup-snapshot` would have built there, which no manifest records.
    mkdirSync(join(root, 'usr/lib/xen-drbd/startup-snapshot/block-drbd'), { recursive: true });
    writeFileSync(join(root, 'usr/lib/xen-drbd/startup-snapshot/block-drbd/blob'), 'x');
    const u = runBuilt('xen-drbd', ['uninstall', '--destdir', root]);
    expect(u.code).toBe(0);
    expect(u.stdout).toContain('remove /usr/lib/xen-drbd/startup-snapshot (start-up snapshots)\n');
    expect(tree(root)).toEqual({ '/etc/xen/scripts/block-drbd': '644' });
    expect(readFileSync(join(root, 'etc/xen/scripts/block-drbd'), 'utf8')).toBe('#!/bin/bash\n# LINBIT\n');
  });

  test('--dry-run prints every file and touches nothing', () => {
    const root = scratchDir('dry');
    const r = runBuilt('xen-drbd', ['install', '--dry-run', '--destdir', root, '--layout', 'xcp-ng']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('would install '))).toHaveLength(installPlan('xcp-ng').length);
    expect(readdirSync(root)).toEqual([]);
  });
});

describe('help from the built executables', () => {
  test('block-drbd --help prints block-drbd(8) and exits 0 without touching xenstore or logs', () => {
    const r = runBuilt('block-drbd', ['--help'], { XENSTORED_PATH: '/nonexistent' });
    expect(r).toEqual({ code: 0, stdout: pageText(blockDrbdPage), stderr: '' });
  });

  test("the block-drbd bundle carries its own page only: no roff renderer, no other command's text", () => {
    const bundle = readFileSync(join(REPO_ROOT, 'dist/block-drbd'), 'utf8');
    expect(bundle).toContain('Xen hotplug script for disks on DRBD resources');
    expect(bundle).not.toContain('.TH ');
    expect(bundle).not.toContain('--include-unrecorded');
    expect(bundle).not.toContain('sm-plugins');
  });

  test('xen-drbd help COMMAND and COMMAND --help print the same entry', () => {
    const a = runBuilt('xen-drbd', ['help', 'reconcile']);
    const b = runBuilt('xen-drbd', ['reconcile', '--help']);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^usage: xen-drbd reconcile \[--apply\] \[--include-unrecorded\]\n {4}Demotes/);
    expect(b).toEqual(a);
    expect(runBuilt('xen-drbd', ['help', 'constructor']).code).toBe(2);
  });
});
