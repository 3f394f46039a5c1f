// Shared setup for jest lab scenarios: one lab (two booted hosts + resources) per test file,
// stopped (qemu killed by PID) in afterAll whatever happens. Results are appended to
// $LAB_RESULTS (default /tmp/xen-drbd-lab/results.jsonl) so that runs with different
// block-drbd scripts can be compared (npx tsx test/lab/compare.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Lab, type Host, type LabOptions } from './lab';
import { createResource, hotplugLog, type ResourceSpec, R0 } from './drbd';
import { scriptChoice } from './options';

export interface ScenarioContext {
  lab: Lab;
  A: Host;
  B: Host;
  note: (k: string, v: string) => void;
}

export const RESULTS_FILE = process.env.LAB_RESULTS || '/tmp/xen-drbd-lab/results.jsonl';

const log = (l: string) => process.stdout.write(l + '\n');

/**
 * Registers beforeAll/afterAll that boot the lab and create the given resources. Returns a
 * getter for the context (valid inside tests). `options` is read at boot, so it may use what an
 * earlier beforeAll set up (e.g. the XenAPI simulator's port). Each host's xen-hotplug.log, and
 * its copy of every file in `collect`, is saved to the run dir (host<X>.<name>) before the lab stops.
 */
export function useLab(
  scenario: string,
  resources: ResourceSpec[] = [R0],
  options: () => Pick<LabOptions, 'xapiPort'> = () => ({}),
  collect: readonly string[] = [],
): () => ScenarioContext {
  let ctx: ScenarioContext | undefined;
  const notes: Record<string, string> = {};
  const started = Date.now();
  const script = scriptChoice([]);

  beforeAll(async () => {
    log(`[${scenario}] booting lab (block-drbd: ${script})`);
    const lab = await Lab.start({ ...options(), script, log: (l) => log(`[${scenario}] ${l}`) });
    ctx = { lab, A: lab.hosts.A, B: lab.hosts.B, note: (k, v) => (notes[k] = v) };
    for (const r of resources) {
      const t = Date.now();
      await createResource(lab, r);
      log(`[${scenario}] resource ${r.name} created and synced in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
  }, 10 * 60_000);

  afterAll(async () => {
    if (ctx) {
      try {
        for (const h of [ctx.A, ctx.B]) {
          if (h.alive) {
            fs.writeFileSync(path.join(ctx.lab.runDir, `host${h.name}.hotplug.log`), await hotplugLog(h).catch((e) => String(e)));
            for (const f of collect) fs.writeFileSync(path.join(ctx.lab.runDir, `host${h.name}.${path.basename(f)}`), (await h.run(`cat ${f}`)).stdout);
          }
        }
      } catch {
        /* best effort */
      }
      await ctx.lab.stop();
    }
    fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
    fs.appendFileSync(
      RESULTS_FILE,
      JSON.stringify({ scenario, script, seconds: Math.round((Date.now() - started) / 1000), notes, runDir: ctx?.lab.runDir, at: new Date().toISOString() }) + '\n',
    );
    log(`[${scenario}] done in ${((Date.now() - started) / 1000).toFixed(1)} s; notes: ${JSON.stringify(notes)}`);
  }, 120_000);

  return () => {
    if (!ctx) throw new Error('lab did not start (see beforeAll)');
    return ctx;
  };
}

export function stepLog(scenario: string, line: string): void {
  log(`[${scenario}] ${line}`);
}
