// One lab boot for several scenario files. jest runs the files one after another in one process
// (--runInBand); a file that is done hands its running lab on through a small JSON file, and the
// next one takes it over when it needs the same kind of lab (or less: `serves`), after a reset of every host
// (guest/reset.sh) and a check that they are back at baseline (baseline.ts). A file that leaves a
// host unusable (powered off, packages removed) stops the lab; so does any failure to reset, and
// the next file boots a fresh one. LAB_SHARE=0 boots a fresh lab for every file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hostBaselineProblems, parseFacts } from './baseline';
import { hostSetKey, type HostName } from './hosts';
import { DOM0_SR_DRIVER } from './initrd';
import { Lab, type DrbdVersion, type Host, type LabHandle, type LabOptions, type ScriptChoice } from './lab';
import { freePort, killPid, pidAlive } from './qemu';

/** What a scenario file needs of its lab; files with equal needs can share one. */
export interface LabNeeds {
  readonly script: ScriptChoice;
  /** The XenAPI simulator's port forwarded into each dom0 (the SR scenarios). */
  readonly xapi: boolean;
  /** The lab's machines (hosts.ts): a lab with other hosts is another kind of lab. */
  readonly hosts: readonly HostName[];
  /** The DRBD module the dom0s run: a lab never changes it, so 8.4 and 9 files never share one. */
  readonly drbd: DrbdVersion;
  /** libvirt installed in each dom0 (LabOptions.libvirt): its labs boot another initramfs. */
  readonly libvirt?: boolean;
}

interface SharedRecord {
  /** What the lab has (Acquired.has). */
  readonly needs: LabNeeds;
  readonly lab: LabHandle;
  /** The scenario file that used it last: the one to blame for anything left over. */
  readonly last: string;
}

export interface Acquired {
  readonly lab: Lab;
  /** What the lab has: the needs it was booted for, which may exceed the file's (`serves`). */
  readonly has: LabNeeds;
  /** How the lab was had: a fresh boot, or taken over from the named scenario after a reset. */
  readonly how: { readonly kind: 'boot' } | { readonly kind: 'reused'; readonly from: string };
  readonly seconds: number;
}

const sharing = (): boolean => process.env.LAB_SHARE !== '0';
const recordFile = (): string => path.join(process.env.LAB_RUN_ROOT || '/tmp/xen-drbd-lab', `shared-lab-${process.pid}.json`);

function readRecord(): SharedRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(recordFile(), 'utf8')) as SharedRecord;
  } catch {
    return undefined;
  }
}

/**
 * Whether a lab that has `has` serves a file that needs `want`: the same kind, except that a lab
 * with the XenAPI forward (and the SR driver's snapshot) serves files that need neither, so the
 * suite's order (lab-sequencer.cjs) runs the SR files first and the others then reuse their boot.
 */
const serves = (has: LabNeeds, want: LabNeeds): boolean =>
  has.script === want.script &&
  (has.xapi || !want.xapi) &&
  has.drbd === want.drbd &&
  (has.libvirt ?? false) === (want.libvirt ?? false) &&
  hostSetKey(has.hosts) === hostSetKey(want.hosts);

/** Kills the qemu processes of a lab handed on (the record's), and forgets it. */
export function stopSharedLab(): void {
  const rec = readRecord();
  if (rec) for (const h of Object.values(rec.lab.hosts)) killPid(h.pid);
  fs.rmSync(recordFile(), { force: true });
}

async function dom0(h: Host, args: string, timeoutMs: number): Promise<string> {
  return h.sh(`bash /lab/reset.sh ${args}`, { timeoutMs });
}

/** Each host's problems against the baseline, as lines naming the host. */
async function baselineProblems(lab: Lab): Promise<string[]> {
  const per = await Promise.all(
    Object.values(lab.hosts).map(async (h) =>
      hostBaselineProblems(parseFacts(await dom0(h, 'facts', 60_000))).map((p) => `host ${h.name}: ${p}`),
    ),
  );
  return per.flat();
}

async function boot(needs: LabNeeds, opts: Pick<LabOptions, 'log'>): Promise<Lab> {
  const lab = await Lab.start({
    ...opts,
    hosts: needs.hosts,
    script: needs.script,
    drbd: needs.drbd,
    libvirt: needs.libvirt ?? false,
    xapiPort: needs.xapi ? await freePort() : undefined,
  });
  try {
    // An SR lab's driver starts from its start-up snapshot, as an installed one does after the
    // .rpm's %post. Built before the booted state is recorded, so that resets keep it.
    if (needs.xapi)
      await Promise.all(Object.values(lab.hosts).map((h) => h.sh(`xen-drbd startup-snapshot ${DOM0_SR_DRIVER}`, { timeoutMs: 300_000 })));
    await Promise.all(Object.values(lab.hosts).map((h) => dom0(h, 'snapshot', 120_000)));
    const problems = await baselineProblems(lab);
    if (problems.length)
      throw new Error(`a freshly booted lab is not at baseline (test/lab/guest/reset.sh VOLATILE?):\n  ${problems.join('\n  ')}`);
  } catch (e) {
    await lab.stop();
    throw e;
  }
  return lab;
}

/**
 * A lab at baseline for `scenario`: the one the previous file handed on when it has the same
 * needs and resets cleanly, else a fresh boot. A lab that does not reset cleanly is stopped and
 * the scenario fails, naming the file that left it so.
 */
export async function acquireLab(scenario: string, needs: LabNeeds, opts: Pick<LabOptions, 'log'>): Promise<Acquired> {
  const t0 = Date.now();
  const rec = sharing() ? readRecord() : undefined;
  if (rec && serves(rec.needs, needs) && Object.values(rec.lab.hosts).every((h) => pidAlive(h.pid))) {
    const lab = Lab.attach(rec.lab, opts);
    lab.traceFile = path.join(lab.runDir, `commands.${scenario}.log`);
    lab.log(`taking over the lab ${rec.last} used; resetting every host`);
    let problems: string[];
    try {
      await Promise.all(Object.values(lab.hosts).map((h) => dom0(h, 'reset', 180_000)));
      problems = await baselineProblems(lab);
    } catch (e) {
      problems = [`reset failed: ${(e as Error).message}`];
    }
    if (problems.length) {
      stopSharedLab();
      throw new Error(
        `the lab that ${rec.last} used is not at baseline after the reset (a leak from ${rec.last}):\n  ${problems.join('\n  ')}`,
      );
    }
    return { lab, has: rec.needs, how: { kind: 'reused', from: rec.last }, seconds: (Date.now() - t0) / 1000 };
  }
  if (rec) stopSharedLab();
  const lab = await boot(needs, opts);
  return { lab, has: needs, how: { kind: 'boot' }, seconds: (Date.now() - t0) / 1000 };
}

/**
 * Hands the lab on to the next file, or stops it when it must not be reused (or sharing is off).
 * `has`: what the lab has (Acquired.has).
 */
export async function releaseLab(scenario: string, has: LabNeeds, lab: Lab, reusable: boolean): Promise<void> {
  if (sharing() && reusable && Object.values(lab.hosts).every((h) => h.alive)) {
    const rec: SharedRecord = { needs: has, lab: lab.handle(), last: scenario };
    fs.writeFileSync(recordFile(), JSON.stringify(rec));
    lab.log(`handed on to the next scenario file`);
    return;
  }
  fs.rmSync(recordFile(), { force: true });
  await lab.stop();
}
