// The built dist/xen-drbd `check` and `boot-order` against host trees (--root), with Debian's real
// drbdadm (from test/fixtures/debian/fetch.sh) reading the trees' DRBD configs. Build first.
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanHost, faultyHost, PEER_AUTO_LIST, writeTree, type Tree } from '../support/check-host';
import { DEBIAN_CACHE, describeDebian } from '../support/debian';
import { REPO_ROOT, runBuilt, type BuiltRun } from '../support/run-built';
import { seamEnv } from '../support/seams';

function xenDrbd(...args: string[]): BuiltRun {
  return runBuilt('xen-drbd', args, seamEnv({ pathPrefix: join(DEBIAN_CACHE, 'sbin') }));
}

// Beside the tree, not in it: the snapshots compare trees file by file.
const peerLists: string[] = [];
afterAll(() => peerLists.splice(0).forEach((p) => rmSync(p, { force: true })));

function host(tree: Tree, peerList = 'mail.cfg\n'): { root: string; peer: string } {
  const root = writeTree(tree);
  const peer = join(root, '..', `${root.replace(/^.*\//, '')}.peer-auto`);
  writeFileSync(peer, peerList);
  peerLists.push(peer);
  return { root, peer };
}

function check(h: { root: string; peer: string }, ...configs: string[]): { code: number | null; codes: string[]; stderr: string } {
  const r = xenDrbd('check', '--json', '--root', h.root, '--hostname', 'alpha', '--peer-auto-list', h.peer, ...configs);
  const out = r.stdout === '' ? { findings: [] } : (JSON.parse(r.stdout) as { findings: { code: string; where: string }[] });
  return { code: r.code, codes: out.findings.map((f) => f.code), stderr: r.stderr };
}

// Every file, link and directory under root with its bytes, target and mode.
function snapshot(root: string, dir = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(join(root, dir)).sort()) {
    const rel = join(dir, name);
    const st = lstatSync(join(root, rel));
    if (st.isSymbolicLink()) out[rel] = `link ${readlinkSync(join(root, rel))}`;
    else if (st.isDirectory()) Object.assign(out, { [rel]: `dir ${st.mode.toString(8)}` }, snapshot(root, rel));
    else out[rel] = `${st.mode.toString(8)} ${readFileSync(join(root, rel)).toString('base64')}`;
  }
  return out;
}

const blockDrbd = () => readFileSync(join(REPO_ROOT, 'dist/block-drbd'), 'utf8');

describeDebian('xen-drbd check', () => {
  test('a clean host reports nothing and exits 0', () => {
    const h = host(cleanHost(blockDrbd()));
    const r = xenDrbd('check', '--root', h.root, '--hostname', 'alpha', '--peer-auto-list', h.peer);
    expect(r).toEqual({ code: 0, stdout: 'no findings\n0 error(s), 0 warning(s), 0 note(s)\n', stderr: '' });
    expect(check(h, join(h.root, 'etc/xen/web.cfg'), join(h.root, 'etc/xen/db.cfg'))).toEqual({ code: 0, codes: [], stderr: '' });
  });

  test('a host with planted faults reports exactly those, and exits 2', () => {
    const h = host(faultyHost(blockDrbd()), PEER_AUTO_LIST);
    const configs = ['app', 'bad', 'db', 'web'].map((n) => join(h.root, `etc/xen/${n}.cfg`));
    const r = check(h, ...configs);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(2);
    expect(r.codes.sort()).toEqual([
      'XD101', // app.cfg: 'r2,xvda,w' without drbd:
      'XD103', // bad.cfg: drbd:nosuch
      'XD104', // bad.cfg: r9 is for charlie and delta
      'XD106', // bad.cfg: drbd:r1, two volumes
      'XD108', // db.cfg: r1/0 again
      'XD110', // r2: protocol A
      'XD120', // web: in the peer's /etc/xen/auto too
      'XD121', // Debian's XENDOMAINS_SAVE/RESTORE
      'XD201', // Debian's lvm.conf: no filter, /dev/sdb1 and /dev/sdc1 scanned
      'XD203', // no disable_sendpage
      'XD204', // no verify job
      'XD205', // drbd not enabled
      'XD206', // neither header orders (start)
      'XD206', // ... nor stop
      'XD207', // LINBIT's block-drbd
    ]);
  });

  test('without CONFIG it checks /etc/xen/auto, and names files as the host does', () => {
    const h = host(faultyHost(blockDrbd()), PEER_AUTO_LIST);
    const r = xenDrbd('check', '--json', '--root', h.root, '--hostname', 'alpha', '--peer-auto-list', h.peer);
    const where = (JSON.parse(r.stdout) as { findings: { code: string; where: string }[] }).findings
      .filter((f) => f.code.startsWith('XD1'))
      .map((f) => `${f.code} ${f.where}`);
    expect(where).toEqual(['XD101 /etc/xen/auto/app.cfg:4', 'XD120 /etc/xen/auto/web.cfg', 'XD121 /etc/default/xendomains:18']);
  });

  test('warnings only exit 1; the text form gives place, severity, code, and the fix', () => {
    const tree = cleanHost(blockDrbd());
    delete tree['etc/cron.d/drbd-verify'];
    const h = host(tree);
    const r = xenDrbd('check', '--root', h.root, '--hostname', 'alpha');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      '/etc/cron.d, /etc/systemd/system: warning XD204: no cron job or enabled systemd timer runs `drbdadm verify`\n' +
        "    fix: e.g. /etc/cron.d/drbd-verify: '42 0 * * 0 root /sbin/drbdadm verify all' (needs verify-alg), and watch the log for out-of-sync\n" +
        '0 error(s), 1 warning(s), 0 note(s)\n',
    );
  });

  test('another host name: every disk is for a host DRBD does not list', () => {
    const h = host(cleanHost(blockDrbd()));
    const r = xenDrbd('check', '--json', '--root', h.root, '--hostname', 'zulu');
    expect((JSON.parse(r.stdout) as { findings: { code: string }[] }).findings.map((f) => f.code)).toEqual(['XD104']);
    expect(r.code).toBe(2);
  });

  test('a config that cannot be read is an error finding, not a crash', () => {
    const h = host(cleanHost(blockDrbd()));
    const r = xenDrbd('check', '--json', '--root', h.root, '--hostname', 'alpha', join(h.root, 'etc/xen/nosuch.cfg'));
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).findings).toEqual([
      {
        code: 'XD100',
        severity: 'error',
        where: join(h.root, 'etc/xen/nosuch.cfg'),
        message: expect.stringMatching(/^cannot read the config: ENOENT/),
        fix: 'check the path and its permissions',
      },
    ]);
  });

  test('a policy path that is a directory is an XD208 finding, not a crash', () => {
    const h = host(cleanHost(blockDrbd()));
    mkdirSync(join(h.root, 'etc/xen/xen-drbd.json'));
    const r = xenDrbd('check', '--json', '--root', h.root, '--hostname', 'alpha', '--peer-auto-list', h.peer);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).findings).toEqual([
      expect.objectContaining({
        code: 'XD208',
        where: '/etc/xen/xen-drbd.json',
        message: 'block-drbd cannot use its policy: /etc/xen/xen-drbd.json: cannot read: is a directory',
      }),
    ]);
  });

  test('a dangling policy link is an XD208 finding: block-drbd would refuse every add, not run on the defaults', () => {
    const h = host({ ...cleanHost(blockDrbd()), 'etc/xen/xen-drbd.json': { link: '/etc/xen/policies/refuse.json' } });
    const r = xenDrbd('check', '--json', '--root', h.root, '--hostname', 'alpha', '--peer-auto-list', h.peer);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).findings).toEqual([
      expect.objectContaining({
        code: 'XD208',
        message:
          'block-drbd cannot use its policy: /etc/xen/xen-drbd.json: a symbolic link to /etc/xen/policies/refuse.json, which does not exist',
      }),
    ]);
  });

  test('usage errors exit 2', () => {
    expect(xenDrbd('check', '--root')).toEqual({ code: 2, stdout: '', stderr: expect.stringMatching(/^usage: xen-drbd check/) });
    expect(xenDrbd('check', '--frob')).toEqual({ code: 2, stdout: '', stderr: expect.stringMatching(/^usage: xen-drbd check/) });
  });
});

describeDebian('xen-drbd boot-order on a systemd host with drbd@r0.target', () => {
  test('check finds it unordered; --apply orders it, and check is clean; --undo restores every byte', () => {
    const h = host({
      ...cleanHost(blockDrbd()),
      'run/systemd/system/.keep': '',
      'etc/systemd/system/multi-user.target.wants/drbd@r0.target': { link: '/lib/systemd/system/drbd@.target' },
    });
    const before = snapshot(h.root);
    expect(check(h).codes).toEqual(['XD206']);
    expect(xenDrbd('boot-order', '--check', '--root', h.root)).toEqual({
      code: 1,
      stdout:
        '/etc/systemd/system/xendomains.service.d/10-drbd.conf: xendomains.service is not ordered after drbd@r0.target\n' +
        // systemd ignores drbd's LSB header (drbd.service is native), but a later switch to sysvinit would not
        '/etc/init.d/drbd: would add xendomains to X-Start-Before and X-Stop-After\n' +
        '/etc/systemd/system/xendomains.service.d/10-drbd.conf: would install the drop-in\n',
      stderr: '',
    });
    const applied = xenDrbd('boot-order', '--apply', '--root', h.root);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toBe(
      '/etc/init.d/drbd: add xendomains to X-Start-Before and X-Stop-After\n' +
        '/etc/systemd/system/xendomains.service.d/10-drbd.conf: install the drop-in\n' +
        'originals saved in /var/lib/xen-drbd/boot-order; `xen-drbd boot-order --undo` restores them\n',
    );
    expect(check(h)).toEqual({ code: 0, codes: [], stderr: '' });
    expect(xenDrbd('boot-order', '--check', '--root', h.root)).toEqual({ code: 0, stdout: 'boot order: in place\n', stderr: '' });
    expect(xenDrbd('boot-order', '--apply', '--root', h.root)).toEqual({ code: 0, stdout: 'boot order: already in place\n', stderr: '' });
    expect(xenDrbd('boot-order', '--undo', '--root', h.root)).toEqual({
      code: 0,
      stdout: 'restored the files saved in /var/lib/xen-drbd/boot-order\n',
      stderr: '',
    });
    const after = snapshot(h.root);
    // mkdir -p of the backup directory leaves /var/lib behind; everything that was there is as it was.
    expect(Object.fromEntries(Object.entries(after).filter(([p]) => !p.startsWith('var')))).toEqual(before);
    expect(xenDrbd('boot-order', '--undo', '--root', h.root)).toEqual({ code: 0, stdout: 'nothing to undo\n', stderr: '' });
  });

  test("sysvinit: --apply edits Debian's drbd header, --undo puts back the exact bytes and mode", () => {
    const h = host(cleanHost(blockDrbd()));
    const original = readFileSync(join(h.root, 'etc/init.d/drbd'));
    const mode = lstatSync(join(h.root, 'etc/init.d/drbd')).mode;
    expect(xenDrbd('boot-order', '--check', '--root', h.root).stdout).toBe(
      '/etc/init.d/drbd: would add xendomains to X-Start-Before and X-Stop-After\n',
    );
    expect(xenDrbd('boot-order', '--apply', '--root', h.root).code).toBe(0);
    const edited = readFileSync(join(h.root, 'etc/init.d/drbd'), 'utf8');
    expect(edited).toContain('\n# X-Start-Before: heartbeat corosync xendomains\n# X-Stop-After:   heartbeat corosync xendomains\n');
    expect(xenDrbd('boot-order', '--undo', '--root', h.root).code).toBe(0);
    expect(readFileSync(join(h.root, 'etc/init.d/drbd')).equals(original)).toBe(true);
    expect(lstatSync(join(h.root, 'etc/init.d/drbd')).mode).toBe(mode);
  });

  test('usage: exactly one mode', () => {
    expect(xenDrbd('boot-order').code).toBe(2);
    expect(xenDrbd('boot-order', '--check', '--apply').code).toBe(2);
    expect(xenDrbd('boot-order', '--check', '--root').code).toBe(2);
  });
});

describe('a crafted manifest in the root', () => {
  let outside: string;
  beforeEach(() => {
    outside = mkdtempSync(join(tmpdir(), 'xen-drbd-outside-'));
    writeFileSync(join(outside, 'victim'), 'keep me\n');
  });
  afterEach(() => rmSync(outside, { recursive: true, force: true }));
  const climb = (path: string) => `/../../../../../../../..${path}`;

  test('boot-order --undo refuses it, names the rule, and deletes nothing outside the root', () => {
    const root = writeTree({
      'var/lib/xen-drbd/boot-order/manifest.json': JSON.stringify({ entries: [{ path: climb(join(outside, 'victim')) }], createdDirs: [] }),
    });
    const r = xenDrbd('boot-order', '--undo', '--root', root);
    expect(r.stderr).toMatch(/^xen-drbd: .*manifest.json: entry 0: path ".*" is not a file boot-order manages/);
    expect(r.code).toBe(1);
    expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('keep me\n');
  });

  test('uninstall --destdir refuses it, names the rule, and deletes nothing outside the root', () => {
    const root = writeTree({
      'var/lib/xen-drbd/install/manifest.json': JSON.stringify({
        layout: 'debian',
        entries: [{ path: climb(join(outside, 'victim')) }],
        createdDirs: [],
      }),
    });
    const r = xenDrbd('uninstall', '--destdir', root);
    expect(r.stderr).toMatch(/^xen-drbd: .*manifest.json: entry 0: path ".*" is not a file xen-drbd installs/);
    expect(r.code).toBe(1);
    expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('keep me\n');
  });
});
