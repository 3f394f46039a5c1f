// The LVM adapter: argv → run → parse. The only code that runs lvm2 commands. Plans (which argv, in
// which order) are made elsewhere, from lvmArgv; this file only executes and reads.
import { succeeded, type Argv, type CommandResult, type Runner } from '../exec/run';
import { lvmArgv } from './argv';
import { parseLvs, parsePvs, parseVgs } from './parse/report-json';
import type { LvReport, PvReport, VgReport } from './types';

/** An lvm2 command that failed, with lvm's own words. */
export class LvmError extends Error {
  override readonly name = 'LvmError';
  constructor(
    message: string,
    readonly result: CommandResult,
  ) {
    super(message);
  }
}

export interface LvmPort {
  /** undefined when the VG is not visible on this host. */
  vg(vg: string): Promise<VgReport | undefined>;
  lvs(vg: string): Promise<LvReport[]>;
  /** undefined when the device is not a PV. */
  pv(device: string): Promise<PvReport | undefined>;
  /** Runs one step of a plan (an lvmArgv command); throws LvmError on failure. */
  exec(argv: Argv): Promise<void>;
}

// lvm2 exits 5 (ECMD_FAILED) for "Volume group ... not found" and "Failed to find physical volume".
const NOT_FOUND_EXIT = 5;
const COMMAND_MAX_MS = 60_000;

export class Lvm implements LvmPort {
  constructor(
    private readonly run: Runner,
    private readonly timeoutMs = COMMAND_MAX_MS,
  ) {}

  async vg(vg: string): Promise<VgReport | undefined> {
    const r = await this.run(lvmArgv.vgs(vg), { timeoutMs: this.timeoutMs });
    if (r.exitCode === NOT_FOUND_EXIT && /not found/.test(r.stderr)) return undefined;
    if (!succeeded(r)) throw failure(r);
    return parseVgs(r.stdout).find((v) => v.name === vg);
  }

  async lvs(vg: string): Promise<LvReport[]> {
    const r = await this.run(lvmArgv.lvs(vg), { timeoutMs: this.timeoutMs });
    if (!succeeded(r)) throw failure(r);
    return parseLvs(r.stdout);
  }

  async pv(device: string): Promise<PvReport | undefined> {
    const r = await this.run(lvmArgv.pvs(device), { timeoutMs: this.timeoutMs });
    if (r.exitCode === NOT_FOUND_EXIT) return undefined;
    if (!succeeded(r)) throw failure(r);
    return parsePvs(r.stdout)[0];
  }

  async exec(argv: Argv): Promise<void> {
    const r = await this.run(argv, { timeoutMs: this.timeoutMs });
    if (!succeeded(r)) throw failure(r);
  }
}

function failure(r: CommandResult): LvmError {
  const said = r.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('WARNING:'))
    .join('; ');
  const why = r.timedOut ? `did not finish in ${r.durationMs} ms` : said || `exit code ${r.exitCode}`;
  return new LvmError(`'${r.argv.join(' ')}' failed: ${why}`, r);
}
