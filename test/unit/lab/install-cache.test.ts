// test/lab/guest/install-cache.sh on two trees: an "install" on the first (a diversion by rename,
// new and rewritten files, hard links to files that were there, a file removed, junk in the trees it
// must not look at), captured, then restored on a fresh copy of the tree as it was: the second must
// end up as the first, hard links included (the start-up snapshots' -ef tests depend on them).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const SCRIPT = path.resolve(__dirname, '../../lab/guest/install-cache.sh');
const OLD = new Date('2026-04-06T12:00:00Z');
/** What the script never looks at (its walk's prunes), left out of the comparison. */
const SKIPPED = /^\/(proc|run|lab|var\/log)(\/|$)/;

let scratch: string;
beforeEach(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'install-cache-'));
});
afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

function script(root: string, command: string): void {
  const r = spawnSync('bash', [SCRIPT, command], { env: { ...process.env, LAB_INSTALL_ROOT: root }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`install-cache.sh ${command}: rc=${r.status} ${r.stderr}`);
}

function put(root: string, rel: string, content: string, mode = 0o644): void {
  const f = path.join(root, rel);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, content, { mode });
}

/** The image before the install, every file dated OLD. */
function image(root: string): void {
  put(root, 'usr/bin/node', 'node', 0o755);
  put(root, 'usr/lib/libnode.so', 'libnode');
  put(root, 'etc/xen/scripts/block-drbd', 'debian', 0o755);
  put(root, 'var/lib/dpkg/status', 'drbd-utils\n');
  put(root, 'etc/old.conf', 'old');
  fs.mkdirSync(path.join(root, 'proc'));
  fs.mkdirSync(path.join(root, 'lab'));
  for (const f of ['usr/bin/node', 'usr/lib/libnode.so', 'etc/xen/scripts/block-drbd', 'var/lib/dpkg/status', 'etc/old.conf'])
    fs.utimesSync(path.join(root, f), OLD, OLD);
}

/** What dpkg -i and its postinst do, in miniature. */
function install(root: string): void {
  const scripts = path.join(root, 'etc/xen/scripts');
  fs.renameSync(path.join(scripts, 'block-drbd'), path.join(scripts, 'block-drbd.drbd-utils'));
  put(root, 'etc/xen/scripts/block-drbd', 'ours', 0o755);
  fs.appendFileSync(path.join(root, 'var/lib/dpkg/status'), 'xen-drbd\n');
  const snap = path.join(root, 'usr/lib/xen-drbd/startup-snapshot/block-drbd');
  fs.mkdirSync(snap, { recursive: true });
  fs.linkSync(path.join(root, 'usr/bin/node'), path.join(snap, 'node'));
  fs.linkSync(path.join(root, 'usr/lib/libnode.so'), path.join(snap, 'libnode'));
  fs.symlinkSync('/usr/lib/libnode.so', path.join(snap, 'libnode.path'));
  put(root, 'usr/lib/xen-drbd/startup-snapshot/block-drbd/blob', 'blob');
  fs.linkSync(path.join(root, 'etc/xen/scripts/block-drbd'), path.join(snap, 'script'));
  fs.rmSync(path.join(root, 'etc/old.conf'));
  put(root, 'proc/junk', 'never captured');
  put(root, 'var/log/dpkg.log', 'never captured');
}

interface Entry {
  type: string;
  mode: number;
  content?: string;
  mtimeMs?: number;
  /** The other paths with the same inode. */
  links?: string[];
}

/** Every path of the tree but the skipped ones: type, mode, content or target, files' mtimes, hard links. */
function describe(root: string): Record<string, Entry> {
  const out: Record<string, Entry> = {};
  const inodes = new Map<number, string[]>();
  const walk = (rel: string): void => {
    for (const name of fs.readdirSync(path.join(root, rel)).sort()) {
      const p = `${rel}/${name}`;
      if (SKIPPED.test(p)) continue;
      const st = fs.lstatSync(path.join(root, p));
      if (st.isDirectory()) {
        out[p] = { type: 'dir', mode: st.mode };
        walk(p);
      } else if (st.isSymbolicLink()) {
        out[p] = { type: 'symlink', mode: st.mode, content: fs.readlinkSync(path.join(root, p)) };
      } else {
        out[p] = { type: 'file', mode: st.mode, content: fs.readFileSync(path.join(root, p), 'utf8'), mtimeMs: st.mtimeMs };
        inodes.set(st.ino, [...(inodes.get(st.ino) ?? []), p]);
      }
    }
  };
  walk('');
  for (const group of inodes.values()) for (const p of group) out[p]!.links = group.filter((q) => q !== p);
  return out;
}

/** The image, installed on with the script's capture around the install; returns its root. */
function capturedInstall(): string {
  const root = path.join(scratch, 'installed');
  image(root);
  script(root, 'begin');
  install(root);
  script(root, 'end');
  return root;
}

test('a fresh image restored from the capture is the image the install left, hard links included', () => {
  const installed = capturedInstall();

  const restored = path.join(scratch, 'restored');
  image(restored);
  fs.mkdirSync(path.join(restored, 'lab/install-cache'), { recursive: true });
  for (const f of ['files.tar', 'links', 'gone'])
    fs.copyFileSync(path.join(installed, 'run/lab-install', f), path.join(restored, 'lab/install-cache', f));
  script(restored, 'restore');

  const want = describe(installed);
  expect(describe(restored)).toEqual(want);
  // What the comparison stands on: the install really did each of these.
  expect(want['/etc/old.conf']).toBeUndefined();
  expect(want['/etc/xen/scripts/block-drbd.drbd-utils']?.content).toBe('debian');
  expect(want['/usr/bin/node']?.links).toEqual(['/usr/lib/xen-drbd/startup-snapshot/block-drbd/node']);
  expect(want['/etc/xen/scripts/block-drbd']?.links).toEqual(['/usr/lib/xen-drbd/startup-snapshot/block-drbd/script']);
  expect(fs.existsSync(path.join(restored, 'proc/junk'))).toBe(false);
});

test('files that only gained links are linked again, not copied; new files and renamed ones are in the archive', () => {
  const d = path.join(capturedInstall(), 'run/lab-install');
  expect(fs.readFileSync(path.join(d, 'links'), 'utf8').split('\n').filter(Boolean).sort()).toEqual([
    '/usr/bin/node\t/usr/lib/xen-drbd/startup-snapshot/block-drbd/node',
    '/usr/lib/libnode.so\t/usr/lib/xen-drbd/startup-snapshot/block-drbd/libnode',
  ]);
  expect(fs.readFileSync(path.join(d, 'gone'), 'utf8')).toBe('/etc/old.conf\n');
  const archived = spawnSync('tar', ['-tf', path.join(d, 'files.tar')], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean);
  expect(archived).toEqual(
    expect.arrayContaining([
      'etc/xen/scripts/block-drbd',
      'etc/xen/scripts/block-drbd.drbd-utils',
      'var/lib/dpkg/status',
      'usr/lib/xen-drbd/startup-snapshot/block-drbd/blob',
      'usr/lib/xen-drbd/startup-snapshot/block-drbd/script',
    ]),
  );
  expect(archived.filter((p) => /^(usr\/bin\/node|usr\/lib\/libnode\.so|proc\/|var\/log\/)/.test(p))).toEqual([]);
});
