import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv, CommandResult, Runner } from '../../../src/exec/run';
import { Lvm, LvmError } from '../../../src/lvm/lvm';

const CAP = join(__dirname, 'fixtures/lvm2-2.03.16');
const captured = (name: string, argv: Argv): CommandResult => ({
  argv,
  exitCode: Number(readFileSync(join(CAP, `${name}.rc`), 'utf8')),
  signal: null,
  stdout: readFileSync(join(CAP, `${name}.stdout`), 'utf8'),
  stderr: readFileSync(join(CAP, `${name}.stderr`), 'utf8'),
  timedOut: false,
  durationMs: 5,
});

function runnerOf(name: string): { run: Runner; calls: Argv[] } {
  const calls: Argv[] = [];
  return { calls, run: async (argv) => (calls.push(argv), captured(name, argv)) };
}

describe('Lvm adapter on recorded lvm2 results', () => {
  it('reads a VG', async () => {
    const { run, calls } = runnerOf('vgs-one');
    const vg = await new Lvm(run).vg('VG_XenStorage-3b2f4c1e-7a55-8c1d-0e7f-2a9b6c4d8e11');
    expect(vg?.free).toBe(71303168n);
    expect(calls[0]?.[0]).toBe('vgs');
  });

  it('says undefined for a VG that is not there (exit 5, "not found")', async () => {
    const { run } = runnerOf('vgs-missing');
    await expect(new Lvm(run).vg('VG_XenStorage-00000000-0000-0000-0000-000000000000')).resolves.toBeUndefined();
  });

  it("throws lvm's own words, without its warnings, when a command fails", async () => {
    const run: Runner = async (argv) => ({
      argv,
      exitCode: 5,
      signal: null,
      stdout: '',
      timedOut: false,
      durationMs: 3,
      stderr: '  WARNING: something harmless\n  Insufficient free space: 100 extents needed, but only 17 available\n',
    });
    const p = new Lvm(run).exec(['lvcreate', '-n', 'x', 'vg']);
    await expect(p).rejects.toBeInstanceOf(LvmError);
    await expect(p).rejects.toThrow("'lvcreate -n x vg' failed: Insufficient free space: 100 extents needed, but only 17 available");
  });
});
