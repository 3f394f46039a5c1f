// The DRBD adapter: argv → run → parse. The only code that calls drbdadm or drbdsetup. State is
// read from /proc/drbd on 8.4 (no process) and from `drbdsetup status --json` on 9. On 8.4, a
// resource that is up is addressed with drbdsetup-84 alone (see drbdsetup84Argv): resolve() finds
// out, and every command takes what it found.
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Deadline } from '../exec/deadline';
import { succeeded, type Argv, type CommandResult, type Runner } from '../exec/run';
import { drbdArgv, drbdsetup84Argv } from './argv';
import { statBlockDevice, type BlockDevice } from './device';
import { parseDump, type ConfiguredResource } from './parse/dump';
import { classifyFailure, meaningfulLines, type DrbdFailureKind } from './parse/failure';
import { parseProcDrbd } from './parse/proc-drbd';
import { parseShDev } from './parse/sh-dev';
import { parseRunningResource, parseShResources, twoPrimariesRunning, type RunningResource } from './parse/show';
import { DrbdParseError } from './parse/states';
import { DRBD_TOOLS, type DrbdTools } from './tools';
import { parseStatusJson } from './parse/status-json';
import { formatRef, type ResourceName, type ResourceRef, type ResourceState, type VolumeState } from './types';
import { watchEvents, type StateWatch } from './watch';

/**
 * A DRBD command that failed, with DRBD's own words kept for the admin, and the facts of the
 * command (when one ran) as fields, so a caller or a log line can say which command failed how.
 */
export class DrbdError extends Error {
  override readonly name: string = 'DrbdError';
  readonly argv?: Argv;
  readonly exitCode?: number | null;
  readonly stderr?: string;
  readonly timedOut?: boolean;

  constructor(
    message: string,
    readonly kind: DrbdFailureKind,
    command?: CommandResult,
  ) {
    super(message);
    if (command !== undefined) {
      this.argv = command.argv;
      this.exitCode = command.exitCode;
      this.stderr = command.stderr;
      this.timedOut = command.timedOut;
    }
  }
}

/** A state change DRBD accepted (exit 0) that the state read back afterwards does not show. */
export class DrbdNotApplied extends DrbdError {
  override readonly name = 'DrbdNotApplied';
  constructor(
    readonly asked: string,
    readonly seen: string,
    argv: Argv,
  ) {
    super(`asked for ${asked} ('${argv.join(' ')}' exited 0), DRBD still reports ${seen}`, 'not-applied', {
      argv,
      exitCode: 0,
      signal: null,
      stdout: '',
      stderr: '',
      timedOut: false,
      durationMs: 0,
    });
  }
}

/** A state change's command: on success the command line that ran (the read-back names it). */
export type ActionResult = { readonly ok: true; readonly argv: Argv } | { readonly ok: false; readonly error: DrbdError };

/** How commands reach one resource, as resolve() found it; each command on it is given this. */
export interface DrbdTarget {
  readonly name: ResourceName;
  /** 8.4 runs the resource and drbdsetup-84 is here: commands go to that tool alone. */
  readonly direct?: { readonly tool: string; readonly running: RunningResource };
}

/** What resolve() found: the ref's block devices, and how commands reach the resource. */
export interface Resolved {
  readonly target: DrbdTarget;
  readonly devices: BlockDevice[];
}

export interface DrbdPort {
  /**
   * The block devices of the ref's volumes (all volumes when the ref names none), and how commands
   * reach the resource. `known`: what an earlier resolve found; a resource it saw running is taken
   * as seen (no command runs), any other is looked at again (it may have come up since).
   */
  resolve(ref: ResourceRef, known?: DrbdTarget): Promise<Resolved>;
  state(name: ResourceName, devices: readonly BlockDevice[]): Promise<ResourceState>;
  promote(target: DrbdTarget): Promise<ActionResult>;
  demote(target: DrbdTarget): Promise<ActionResult>;
  /** Every connection of the resource, or (DRBD 9) only the one to `peer`. */
  setTwoPrimaries(target: DrbdTarget, on: boolean, peer?: string): Promise<ActionResult>;
  /** allow-two-primaries in the running configuration (a runtime switch shows here). */
  twoPrimariesRunning(target: DrbdTarget): Promise<boolean>;
  /** The resource as its config files describe it; undefined when drbdadm cannot print it. */
  config(name: ResourceName): Promise<ConfiguredResource | undefined>;
  /**
   * DRBD 9: a watch on the resource's events for a wait (closed by the caller, ended by the run's
   * deadline at the latest); undefined where DRBD tells no events to wait on (8.4: poll instead).
   */
  watch(name: ResourceName): StateWatch | undefined;
}

/** What the admin CLI needs beyond the hotplug path. */
export interface DrbdAdminPort extends DrbdPort {
  resources(): Promise<string[]>;
}

// Per command: drbdadm primary can block on a fence-peer handler; never past the run's deadline.
const COMMAND_MAX_MS = 15_000;

/** Where DRBD is on this host: a real host's places unless a test moves them. */
export interface DrbdHost {
  readonly procDrbd?: string;
  readonly drbdTools?: DrbdTools;
  /** This host as the config's `on NAME` sections spell it (uname -n): the other hosts are peers. */
  readonly hostname?: string;
  /** Reads a device node; a test passes its own, as making a real one takes root. */
  readonly statBlockDevice?: (path: string) => BlockDevice | undefined;
}

export class Drbd implements DrbdAdminPort {
  /** null: not 8.4, or no drbdsetup-84 here (drbdadm does everything). undefined: not looked yet. */
  private setup84: string | null | undefined;

  private readonly procDrbdPath: string;
  private readonly tools: DrbdTools;
  private readonly stat: (path: string) => BlockDevice | undefined;

  constructor(
    private readonly run: Runner,
    private readonly deadline: Deadline,
    private readonly host: DrbdHost = {},
  ) {
    this.procDrbdPath = host.procDrbd ?? '/proc/drbd';
    this.tools = host.drbdTools ?? DRBD_TOOLS;
    this.stat = host.statBlockDevice ?? statBlockDevice;
  }

  private exec(argv: Argv): Promise<CommandResult> {
    return this.run(argv, { timeoutMs: Math.max(500, Math.min(COMMAND_MAX_MS, this.deadline.remainingMs())) });
  }

  async resolve(ref: ResourceRef, known?: DrbdTarget): Promise<Resolved> {
    const target = known?.name === ref.name && known.direct !== undefined ? known : await this.target(ref.name);
    const volumes = target.direct?.running.volumes.filter((v) => ref.volume === undefined || v.volume === ref.volume) ?? [];
    if (volumes.length > 0)
      return { target, devices: volumes.map((v) => this.blockDevice(ref, join(this.tools.devDir, `drbd${v.minor}`))) };
    // Not up, or not 8.4: the config names the devices, and the state read next says what is wrong.
    const r = await this.exec(drbdArgv.shDev(ref));
    if (!succeeded(r)) throw failure(r, `${formatRef(ref)}: cannot resolve the DRBD device`);
    return { target, devices: parseShDev(r.stdout).map((path) => this.blockDevice(ref, path)) };
  }

  /** drbdsetup-84 and the running resource where 8.4 runs it; drbdadm for everything else. */
  private async target(name: ResourceName): Promise<DrbdTarget> {
    const tool = this.drbdsetup84();
    if (tool === undefined) return { name };
    const r = await this.exec(drbdsetup84Argv.show(tool, name));
    if (!succeeded(r)) return { name };
    try {
      return { name, direct: { tool, running: parseRunningResource(r.stdout, name) } };
    } catch (e) {
      // An output this code does not know, or one about another resource than the name asked for
      // (8.4's show also reads a minor): drbdadm, which resolves the name itself, takes over.
      if (e instanceof DrbdParseError) return { name };
      throw e;
    }
  }

  private drbdsetup84(): string | undefined {
    if (this.setup84 === undefined) {
      this.setup84 = this.moduleMajor() === 8 ? (this.tools.drbdsetup84.find((p) => existsSync(p)) ?? null) : null;
    }
    return this.setup84 ?? undefined;
  }

  /** The loaded module's major version; undefined without one (state() reports that in its own words). */
  private moduleMajor(): number | undefined {
    try {
      return parseProcDrbd(readFileSync(this.procDrbdPath, 'utf8')).version.major;
    } catch {
      return undefined;
    }
  }

  async state(name: ResourceName, devices: readonly BlockDevice[]): Promise<ResourceState> {
    let procText: string;
    try {
      procText = readFileSync(this.procDrbdPath, 'utf8');
    } catch {
      throw new DrbdError(
        `${name}: ${this.procDrbdPath} is missing: the DRBD kernel module is not loaded (start the drbd service)`,
        'no-module',
      );
    }
    const proc = parseProcDrbd(procText);
    if (proc.version.major >= 9) {
      const r = await this.exec(drbdArgv.statusJson(name));
      if (!succeeded(r)) throw failure(r, `${name}: cannot read DRBD status`);
      const found = parseStatusJson(r.stdout).find((s) => s.name === name);
      if (found === undefined) throw new DrbdError(`${name}: not up in DRBD ('drbdadm up ${name}')`, 'other');
      return found;
    }
    const minors = devices.map((d) => proc.minors.get(d.minor)).filter((m) => m !== undefined);
    const first = minors[0];
    const volumes: VolumeState[] = minors.map((m) => ({ minor: m.minor, role: m.role, disk: m.disk, peerDisk: m.peerDisk }));
    return {
      name,
      role: first?.role ?? 'Unknown',
      // 8.4 keeps roles per minor: a peer Primary on any volume is a writer there.
      peerRole: minors.some((m) => m.peerRole === 'Primary') ? 'Primary' : (first?.peerRole ?? 'Unknown'),
      link: first?.link ?? 'StandAlone',
      connectionText: first?.connectionText ?? 'Unconfigured',
      volumes,
    };
  }

  promote(target: DrbdTarget): Promise<ActionResult> {
    const d = directRole(target);
    return this.action(d === undefined ? drbdArgv.primary(target.name) : drbdsetup84Argv.primary(d.tool, d.minor));
  }

  demote(target: DrbdTarget): Promise<ActionResult> {
    const d = directRole(target);
    return this.action(d === undefined ? drbdArgv.secondary(target.name) : drbdsetup84Argv.secondary(d.tool, d.minor));
  }

  setTwoPrimaries(target: DrbdTarget, on: boolean, peer?: string): Promise<ActionResult> {
    const d = target.direct;
    const here = d?.running.thisAddress;
    const there = d?.running.peerAddress;
    return this.action(
      d !== undefined && here !== undefined && there !== undefined
        ? drbdsetup84Argv.twoPrimaries(d.tool, here, there, on)
        : drbdArgv.twoPrimaries(target.name, on, peer),
    );
  }

  watch(name: ResourceName): StateWatch | undefined {
    const major = this.moduleMajor();
    return major !== undefined && major >= 9 ? watchEvents(this.run, drbdArgv.events(name), this.deadline.remainingMs()) : undefined;
  }

  async config(name: ResourceName): Promise<ConfiguredResource | undefined> {
    const r = await this.exec(drbdArgv.dump(name));
    return succeeded(r) ? parseDump(r.stdout, this.host.hostname ?? hostname()) : undefined;
  }

  /** As drbdadm lists them: names, checked by the caller before any command uses one. */
  async resources(): Promise<string[]> {
    const r = await this.exec(drbdArgv.shResources());
    if (!succeeded(r)) throw failure(r, 'cannot list DRBD resources');
    return parseShResources(r.stdout);
  }

  /** Read fresh each time (a switch's read-back): 8.4's own drbdsetup where the resource is up. */
  async twoPrimariesRunning(target: DrbdTarget): Promise<boolean> {
    const { name, direct: d } = target;
    const r = await this.exec(d === undefined ? drbdArgv.show(name) : drbdsetup84Argv.show(d.tool, name));
    if (!succeeded(r)) throw failure(r, `${name}: cannot read the running DRBD configuration`);
    try {
      return twoPrimariesRunning(r.stdout, name);
    } catch (e) {
      if (e instanceof DrbdParseError) throw new DrbdError(`${name}: cannot read the running DRBD configuration: ${e.message}`, 'other', r);
      throw e;
    }
  }

  private async action(argv: Argv): Promise<ActionResult> {
    const r = await this.exec(argv);
    return succeeded(r) ? { ok: true, argv } : { ok: false, error: failure(r, `'${argv.join(' ')}' failed`) };
  }

  private blockDevice(ref: ResourceRef, path: string): BlockDevice {
    const dev = this.stat(path);
    if (dev === undefined) {
      throw new DrbdError(`${formatRef(ref)}: ${path} is not a block device here; is DRBD started ('drbdadm up ${ref.name}')?`, 'other');
    }
    return dev;
  }
}

/**
 * The minor a role change names. 8.4 keeps a role per minor, and drbdadm changes each volume's in
 * turn (lab scenario 08: promoting only the first volume's minor left blkback unable to open the
 * second); one drbdsetup-84 command stands in for drbdadm only on a one-volume resource.
 */
function directRole(target: DrbdTarget): { tool: string; minor: number } | undefined {
  const d = target.direct;
  const only = d?.running.volumes.length === 1 ? d.running.volumes[0] : undefined;
  return d === undefined || only === undefined ? undefined : { tool: d.tool, minor: only.minor };
}

function failure(r: CommandResult, context: string): DrbdError {
  if (r.timedOut) return new DrbdError(`${context}: '${r.argv.join(' ')}' did not finish in ${r.durationMs} ms`, 'timed-out', r);
  const said = meaningfulLines(r.stderr) || meaningfulLines(r.stdout) || `exit code ${r.exitCode}`;
  return new DrbdError(`${context}: ${said}`, classifyFailure(r.stderr), r);
}
