// The built dist/xen-drbd, run as a child process: `parse-disk` and `parse-config` must print
// what xl prints, so a lab run can diff them against the real `xl -N block-attach`.
// Build first (`npm run build`, or `npx tsup`).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtEnv, builtPath, runBuilt, type BuiltRun } from '../support/run-built';

const scratch: string[] = [];
afterAll(() => scratch.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
function scratchDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'xen-drbd-parse-'));
  scratch.push(d);
  return d;
}

const xenDrbd = (...args: string[]): BuiltRun => runBuilt('xen-drbd', args);
const batch = (command: string, input: string): BuiltRun => runBuilt('xen-drbd', [command, '--batch'], {}, 30_000, input);
const records = (r: BuiltRun): unknown[] =>
  r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown);

describe('xen-drbd parse-disk', () => {
  test('prints what xl -N block-attach prints for drbd:app01,hda,w', () => {
    expect(xenDrbd('parse-disk', 'drbd:app01,hda,w')).toEqual({
      code: 0,
      stdout:
        'disk: {\n    "pdev_path": "app01",\n    "vdev": "hda",\n    "format": "raw",\n    "script": "block-drbd",\n    "readwrite": 1\n}\n\n',
      stderr: '',
    });
  });

  test('takes the spec in pieces, as xl does', () => {
    expect(xenDrbd('parse-disk', 'discard', 'vdev=hda', 'target=/some/disk/image.raw')).toEqual({
      code: 0,
      stdout:
        'disk: {\n    "pdev_path": "/some/disk/image.raw",\n    "vdev": "hda",\n    "format": "raw",\n    "readwrite": 1,\n    "discard_enable": "True"\n}\n\n',
      stderr: '',
    });
  });

  test('--json prints the libxl object alone', () => {
    const r = xenDrbd('parse-disk', '--json', 'vdev=xvda,access=rw,script=block-drbd,target=r0');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ pdev_path: 'r0', vdev: 'xvda', format: 'raw', script: 'block-drbd', readwrite: 1 });
    expect(r.stdout.startsWith('{\n    "pdev_path": "r0",')).toBe(true);
  });

  test("a bad spec gives libxl's one error line and exit 1", () => {
    expect(xenDrbd('parse-disk', 'foo')).toEqual({
      code: 1,
      stdout: '',
      stderr: "command line: config parsing error in disk specification: no vdev specified in `foo'\n",
    });
    expect(xenDrbd('parse-disk', 'r0,xvda,w')).toEqual({
      code: 1,
      stdout: '',
      stderr: "command line: config parsing error in disk specification: unknown value for format: near `xvda' in `r0,xvda,w'\n",
    });
  });

  test('no spec is a usage error', () => {
    expect(xenDrbd('parse-disk')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'usage: xen-drbd parse-disk SPEC... [--json] | parse-disk --batch < SPECS\n',
    });
  });

  test('--batch: one JSON line per stdin line, good and bad specs alike, exit 0', () => {
    const r = batch('parse-disk', 'drbd:r0,xvda,w\nr0,xvda,w\n\nvdev=xvda,target=a\r');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(records(r)).toEqual([
      { spec: 'drbd:r0,xvda,w', ok: true, disk: { pdev_path: 'r0', vdev: 'xvda', format: 'raw', script: 'block-drbd', readwrite: 1 } },
      {
        spec: 'r0,xvda,w',
        ok: false,
        error: "command line: config parsing error in disk specification: unknown value for format: near `xvda' in `r0,xvda,w'",
      },
      { spec: '', ok: false, error: "command line: config parsing error in disk specification: no vdev specified in `'" },
      // Lines split on \n only: the \r is part of the spec, as it would be of xl's argument.
      { spec: 'vdev=xvda,target=a\r', ok: true, disk: { pdev_path: 'a\r', vdev: 'xvda', format: 'raw', readwrite: 1 } },
    ]);
  });

  test('--batch: a last line without a newline counts; no input, no output', () => {
    expect(records(batch('parse-disk', 'drbd:r0,xvda,w'))).toHaveLength(1);
    expect(batch('parse-disk', '')).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  test('--batch takes no other argument', () => {
    expect(xenDrbd('parse-disk', '--batch', 'drbd:r0,xvda,w').code).toBe(2);
  });
});

describe('xen-drbd parse-config', () => {
  test('prints the effective settings and each disk', () => {
    expect(xenDrbd('parse-config', 'test/fixtures/xl/linbit-style.cfg')).toEqual({
      code: 0,
      stdout:
        'name = "r0-guest"\n' +
        'memory = 1536\n' +
        'vcpus = 1\n' +
        'kernel = "/boot/vmlinuz-xen"\n' +
        'extra = "root=/dev/xvda ro"\n' +
        'disk = [ "vdev=xvda,access=rw,script=block-drbd,target=r0" ]\n' +
        '# disk[0]: {"pdev_path":"r0","vdev":"xvda","format":"raw","script":"block-drbd","readwrite":1}\n',
      stderr: '',
    });
  });

  test('--json gives settings and expanded disks as one document', () => {
    const r = xenDrbd('parse-config', 'test/fixtures/xl/pv-pygrub.cfg', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      settings: {
        name: 'web01',
        bootloader: 'pygrub',
        memory: '2048',
        maxmem: '4096',
        vcpus: '2',
        vif: ['mac=00:16:3e:4a:10:01,bridge=xenbr0'],
        disk: ['drbd:web01-root,xvda,w', 'drbd:web01-data,xvdb,w'],
        on_poweroff: 'destroy',
        on_reboot: 'restart',
        on_crash: 'restart',
      },
      disks: [
        { pdev_path: 'web01-root', vdev: 'xvda', format: 'raw', script: 'block-drbd', readwrite: 1 },
        { pdev_path: 'web01-data', vdev: 'xvdb', format: 'raw', script: 'block-drbd', readwrite: 1 },
      ],
    });
  });

  test('a malformed file gives FILE:LINE:COL and exit 1', () => {
    expect(xenDrbd('parse-config', 'test/fixtures/xl/crlf.cfg')).toEqual({
      code: 1,
      stdout: '',
      stderr: "test/fixtures/xl/crlf.cfg:1:14: config parsing error near `\r': lexical error\n",
    });
  });

  test("a Python config also gets xl's Python warning", () => {
    expect(xenDrbd('parse-config', 'test/fixtures/xl/xm-python.cfg')).toEqual({
      code: 1,
      stdout: '',
      stderr:
        "test/fixtures/xl/xm-python.cfg:5:21: config parsing error near `%': lexical error\n" +
        'warning: Config file looks like it contains Python code.\n' +
        'warning:  Arbitrary Python is no longer supported.\n' +
        'warning:  See https://wiki.xen.org/wiki/PythonInXlConfig\n',
    });
  });

  test('a bad disk spec is located at its list item', () => {
    const dir = scratchDir();
    const file = join(dir, 'vm.cfg');
    writeFileSync(file, "name = 'vm'\ndisk = [ 'drbd:r0,xvda,w',\n         'drbd:r1,xvdb,rx' ]\n");
    expect(xenDrbd('parse-config', file)).toEqual({
      code: 1,
      stdout: '',
      stderr: `${file}:3:10: config parsing error in disk specification: unknown value for access: near \`rx' in \`drbd:r1,xvdb,rx'\n`,
    });
  });

  test('--batch: one JSON line per file named on stdin, with the --json document or the first error', () => {
    const r = batch('parse-config', 'test/fixtures/xl/linbit-style.cfg\ntest/fixtures/xl/xm-python.cfg\ntest/fixtures/xl/absent.cfg\n');
    expect(r.code).toBe(0);
    expect(records(r)).toEqual([
      {
        file: 'test/fixtures/xl/linbit-style.cfg',
        ok: true,
        warnings: [],
        settings: {
          name: 'r0-guest',
          memory: '1536',
          vcpus: '1',
          kernel: '/boot/vmlinuz-xen',
          extra: 'root=/dev/xvda ro',
          disk: ['vdev=xvda,access=rw,script=block-drbd,target=r0'],
        },
        disks: [{ pdev_path: 'r0', vdev: 'xvda', format: 'raw', script: 'block-drbd', readwrite: 1 }],
      },
      {
        file: 'test/fixtures/xl/xm-python.cfg',
        ok: false,
        error: "test/fixtures/xl/xm-python.cfg:5:21: config parsing error near `%': lexical error",
      },
      {
        file: 'test/fixtures/xl/absent.cfg',
        ok: false,
        error: 'test/fixtures/xl/absent.cfg: unable to open configuration file: No such file or directory',
      },
    ]);
  });

  test("--batch: xl's warning for a single-value disk travels with the record", () => {
    const dir = scratchDir();
    const file = join(dir, 'vm.cfg');
    writeFileSync(file, "name = 'vm'\ndisk = 'drbd:r0,xvda,w'\n");
    expect(records(batch('parse-config', file))).toEqual([
      {
        file,
        ok: true,
        warnings: [`${file}:2: warning: parameter \`disk' is a single value but should be a list`],
        settings: { name: 'vm', disk: 'drbd:r0,xvda,w' },
        disks: [],
      },
    ]);
  });

  test('a 20 MB quoted string parses, as in xl (it overflowed the stack)', () => {
    const dir = scratchDir();
    const file = join(dir, 'big.cfg');
    writeFileSync(file, `name = "${'a'.repeat(20_000_000)}"\nmemory = 512\n`);
    const r = runBuilt('xen-drbd', ['parse-config', file], {}, 60_000);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`name = "${'a'.repeat(20_000_000)}"\nmemory = 512\n`);
  }, 90_000);

  test('a large output to a reader that pauses arrives whole, and the exit code after it', async () => {
    const dir = scratchDir();
    const file = join(dir, 'big.cfg');
    const want = `name = "${'a'.repeat(2_000_000)}"\nmemory = 512\n`;
    writeFileSync(file, want);
    // The reader stops after its first chunk for longer than the CLI's 1 s exit timer, as a slow
    // pipe reader does; what the CLI still holds then must not be lost.
    const child = spawn(builtPath('xen-drbd'), ['parse-config', file], { env: builtEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.once('data', () => {
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), 3000);
    });
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect({ code, bytes: Buffer.concat(chunks).length }).toEqual({ code: 0, bytes: Buffer.byteLength(want) });
    expect(Buffer.concat(chunks).toString()).toBe(want);
  }, 60_000);

  test('a missing file', () => {
    expect(xenDrbd('parse-config', 'test/fixtures/xl/absent.cfg')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'test/fixtures/xl/absent.cfg: unable to open configuration file: No such file or directory\n',
    });
  });
});
