// jest glue for lab scenarios: each file gets a lab at baseline (shared-lab.ts: taken over from
// the previous file after a reset, or freshly booted) with its resources created and checked,
// and hands it on (or stops it) in afterAll whatever happens. Results, with where the time went,
// are appended to $LAB_RESULTS (default /tmp/xen-drbd-lab/results.jsonl): run-suite.ts prints
// them as a table, and runs with different block-drbd scripts can be compared
// (npx tsx test/lab/compare.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resourceBaselineProblems, type ResourceState } from './baseline';
import { createResource, drbdView, hotplugLog, R0, type ResourceSpec } from './drbd';
import { DEFAULT_HOSTS, hostSetKey, type HostName } from './hosts';
import type { DrbdVersion, Host, Lab } from './lab';
import { twoPrimariesOn } from './migration';
import { scriptChoice } from './options';
import { acquireLab, releaseLab, type LabNeeds } from './shared-lab';

export interface ScenarioContext {
  lab: Lab;
  A: Host;
  B: Host;
  /** The plain host; only in a lab that has it (ScenarioOptions.hosts), else reading it throws. */
  readonly C: Host;
  note: (k: string, v: string) => void;
}

export interface ScenarioOptions {
  /**
   * The lab's machines (default ['A', 'B']; hosts.ts), e.g. ['A', 'B', 'C'] for a third, plain
   * Linux host on the same replication network. The resources are created on A and B.
   */
  readonly hosts?: readonly HostName[];
  /** The XenAPI simulator's port forwarded into each dom0 (LabOptions.xapiPort). */
  readonly xapi?: boolean;
  /** The DRBD module the dom0s run (default 8.4; 9 needs build.sh's DRBD 9 modules). */
  readonly drbd?: DrbdVersion;
  /** libvirtd (libxl driver) and virsh installed in each dom0, not started (LabOptions.libvirt; lib/libvirt.ts). */
  readonly libvirt?: boolean;
  /** dom0 files saved to the run dir (as <scenario>.host<X>.<name>) before the lab is handed on. */
  readonly collect?: readonly string[];
  /**
   * The scenario leaves a host unusable for the next one (powers it off, removes packages):
   * the lab is stopped after it rather than reset. The suite's order puts such files last
   * among those that share a lab (lab-sequencer.cjs reads this flag from the source).
   */
  readonly leavesHostUnusable?: boolean;
}

/** One line of $LAB_RESULTS. */
export interface ScenarioResult {
  readonly scenario: string;
  readonly script: string;
  readonly seconds: number;
  /** "boot", or "reused after <scenario>". */
  readonly lab: string;
  readonly labSeconds: number;
  readonly setupSeconds: number;
  readonly bodySeconds: number;
  readonly notes: Record<string, string>;
  readonly runDir: string | undefined;
  readonly at: string;
}

export const RESULTS_FILE = process.env.LAB_RESULTS || '/tmp/xen-drbd-lab/results.jsonl';

const log = (l: string) => process.stdout.write(l + '\n');
const since = (t: number): number => Math.round((Date.now() - t) / 100) / 10;

async function resourceState(h: Host, r: ResourceSpec): Promise<ResourceState> {
  return {
    ...(await drbdView(h, r.name)),
    twoPrimaries: await twoPrimariesOn([h], r.name),
  };
}

/**
 * Registers beforeAll/afterAll that give the file a lab at baseline and create the given
 * resources. Returns a getter for the context (valid inside tests). Each host's xen-hotplug.log,
 * and its copy of every file in `collect`, is saved to the run dir before the lab is handed on.
 */
export function useLab(scenario: string, resources: ResourceSpec[] = [R0], options: ScenarioOptions = {}): () => ScenarioContext {
  let ctx: ScenarioContext | undefined;
  const notes: Record<string, string> = {};
  const started = Date.now();
  const needs: LabNeeds = {
    script: scriptChoice([]),
    xapi: options.xapi ?? false,
    hosts: options.hosts ?? DEFAULT_HOSTS,
    drbd: options.drbd ?? 8.4,
    libvirt: options.libvirt ?? false,
  };
  /** What the lab this file got has (Acquired.has), handed on with it. */
  let has = needs;
  let how = 'not had';
  let labSeconds = 0;
  let setupSeconds = 0;
  let bodyStarted = 0;

  beforeAll(async () => {
    log(
      `[${scenario}] lab wanted (hosts ${hostSetKey(needs.hosts)}, block-drbd: ${needs.script}, DRBD ${needs.drbd}${needs.xapi ? ', XenAPI forward' : ''}${needs.libvirt ? ', libvirt' : ''})`,
    );
    const got = await acquireLab(scenario, needs, { log: (l) => log(`[${scenario}] ${l}`) });
    const lab = got.lab;
    has = got.has;
    how = got.how.kind === 'boot' ? 'boot' : `reused after ${got.how.from}`;
    labSeconds = got.seconds;
    ctx = {
      lab,
      A: lab.hosts.A,
      B: lab.hosts.B,
      get C(): Host {
        if (!lab.hosts.C) throw new Error(`${scenario}: its lab has no host C (useLab(…, { hosts: ['A', 'B', 'C'] }))`);
        return lab.hosts.C;
      },
      note: (k, v) => (notes[k] = v),
    };
    const t = Date.now();
    for (const r of resources) {
      await createResource(lab, r);
      const problems = (
        await Promise.all(
          [ctx.A, ctx.B].map(async (h) =>
            resourceBaselineProblems(
              r.name,
              r.volumes.length,
              /allow-two-primaries\s+yes/.test(r.net ?? ''),
              await resourceState(h, r),
            ).map((p) => `host ${h.name}: ${p}`),
          ),
        )
      ).flat();
      if (problems.length) throw new Error(`${r.name} is not at baseline after its creation:\n  ${problems.join('\n  ')}`);
    }
    setupSeconds = since(t);
    log(
      `[${scenario}] lab by ${how} in ${labSeconds.toFixed(1)} s; ${resources.map((r) => r.name).join(', ')} created, synced and checked in ${setupSeconds.toFixed(1)} s`,
    );
    bodyStarted = Date.now();
  }, 10 * 60_000);

  afterAll(async () => {
    const bodySeconds = bodyStarted ? since(bodyStarted) : 0;
    if (ctx) {
      const { lab } = ctx;
      try {
        for (const h of Object.values(lab.hosts)) {
          if (!h.alive) continue;
          fs.writeFileSync(path.join(lab.runDir, `${scenario}.host${h.name}.hotplug.log`), await hotplugLog(h).catch((e) => String(e)));
          for (const f of options.collect ?? [])
            fs.writeFileSync(path.join(lab.runDir, `${scenario}.host${h.name}.${path.basename(f)}`), (await h.run(`cat ${f}`)).stdout);
        }
      } catch {
        /* best effort */
      }
      await releaseLab(scenario, has, lab, !options.leavesHostUnusable);
    }
    const result: ScenarioResult = {
      scenario,
      script: needs.script,
      seconds: since(started),
      lab: how,
      labSeconds,
      setupSeconds,
      bodySeconds,
      notes,
      runDir: ctx?.lab.runDir,
      at: new Date().toISOString(),
    };
    fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
    fs.appendFileSync(RESULTS_FILE, JSON.stringify(result) + '\n');
    log(
      `[${scenario}] done in ${result.seconds.toFixed(1)} s (lab ${how} ${labSeconds.toFixed(1)} s, set-up ${setupSeconds.toFixed(1)} s, body ${bodySeconds.toFixed(1)} s); notes: ${JSON.stringify(notes)}`,
    );
  }, 5 * 60_000);

  return () => {
    if (!ctx) throw new Error('lab did not start (see beforeAll)');
    return ctx;
  };
}

export function stepLog(scenario: string, line: string): void {
  log(`[${scenario}] ${line}`);
}
