// DRBDLVM_TIMINGS: the lines the built driver appends for bench/lab-sr-latency.ts, written around
// real child processes (runCommand) and around a XenAPI caller, with the answers passed through.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../../src/exec/run';
import { timingsFrom } from '../../../src/drbdlvm-sr/timings';
import { XapiFailure, type XapiCall } from '../../../src/drbdlvm-sr/xapi-rpc';
import { seamEnv } from '../../support/seams';

const scratch = () => join(mkdtempSync(join(tmpdir(), 'sr-timings-')), 'timings');

/** The file's lines as [kind, what, start, duration]; start and duration must be numbers ≥ 0. */
function lines(file: string): [string, string, number, number][] {
  return readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => {
      const [kind, what, start, ms, ...rest] = l.split('\t');
      expect(rest).toEqual([]);
      const row: [string, string, number, number] = [kind!, what!, Number(start), Number(ms)];
      expect(row[2]).toBeGreaterThanOrEqual(0);
      expect(row[3]).toBeGreaterThanOrEqual(0);
      return row;
    });
}

describe('timingsFrom', () => {
  it('leaves the runner and the XenAPI caller unwrapped when DRBDLVM_TIMINGS is unset or empty', () => {
    const call: XapiCall = async () => null;
    for (const env of [{}, seamEnv({ timings: '' })]) {
      const t = timingsFrom(env);
      expect(t.runner(runCommand)).toBe(runCommand);
      expect(t.xapi(call)).toBe(call);
    }
  });

  it('appends one line per child process, argv[0] and argv[1], whatever its outcome, and passes the result through', async () => {
    const file = scratch();
    const run = timingsFrom(seamEnv({ timings: file })).runner(runCommand);
    expect((await run(['true'], { timeoutMs: 10_000 })).exitCode).toBe(0);
    const failed = await run(['sh', '-c', 'echo out; exit 3'], { timeoutMs: 10_000 });
    expect({ exitCode: failed.exitCode, stdout: failed.stdout }).toEqual({ exitCode: 3, stdout: 'out\n' });
    expect((await run(['/nonexistent/lvm', 'lvs'], { timeoutMs: 10_000 })).exitCode).toBeNull();
    await run(['printf', 'a\tb\n'], { timeoutMs: 10_000 });
    expect(lines(file).map(([kind, what]) => [kind, what])).toEqual([
      ['child', 'true'],
      ['child', 'sh -c'],
      ['child', '/nonexistent/lvm lvs'],
      ['child', 'printf a b '],
    ]);
  });

  it('appends one line per XenAPI call, answered or failed, and passes the answer or the failure through', async () => {
    const file = scratch();
    const inner: XapiCall = async (method, ...params) => {
      if (method === 'VDI.get_sm_config') throw new XapiFailure(method, ['HANDLE_INVALID', String(params[0])]);
      return `name of ${String(params[0])}`;
    };
    const call = timingsFrom(seamEnv({ timings: file })).xapi(inner);
    expect(await call('host.get_name_label', 'OpaqueRef:h')).toBe('name of OpaqueRef:h');
    await expect(call('VDI.get_sm_config', 'OpaqueRef:v')).rejects.toMatchObject({ code: 'HANDLE_INVALID' });
    expect(lines(file).map(([kind, what]) => [kind, what])).toEqual([
      ['xapi', 'host.get_name_label'],
      ['xapi', 'VDI.get_sm_config'],
    ]);
  });

  it('still answers when the file cannot be written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sr-timings-'));
    const run = timingsFrom(seamEnv({ timings: dir })).runner(runCommand);
    expect((await run(['true'], { timeoutMs: 10_000 })).exitCode).toBe(0);
  });
});
