// `xen-drbd install` / `xen-drbd uninstall`: a source install of the files the packages hold, from
// the tree this dist/xen-drbd was built in. The list is src/install/plan.ts; this file only reads
// the arguments, prints every step and runs them.
import { existsSync, realpathSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { runInstall, runUninstall, observeInstall, readManifest } from '../../../install/apply';
import { missingSources, originFor } from '../../../install/content';
import { installPlan, type Layout } from '../../../install/plan';
import { describeStep, installSteps, uninstallSteps, type Step } from '../../../install/steps';
import { XEN_DRBD_COMMANDS } from '../../../help/xen-drbd';
import { SNAPSHOT_ROOT } from '../../../startup-snapshot/layout';
import type { Command } from './command';

const INSTALL_USAGE = `usage: ${XEN_DRBD_COMMANDS.install.term}\n`;
const UNINSTALL_USAGE = `usage: ${XEN_DRBD_COMMANDS.uninstall.term}\n`;

interface Options {
  readonly dryRun: boolean;
  readonly root: string;
  readonly layout?: Layout;
}

/** undefined on an unknown or incomplete argument. */
function parseOptions(args: readonly string[], allowLayout: boolean): Options | undefined {
  let dryRun = false;
  let root = '/';
  let layout: Layout | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = args[i + 1];
    if (a === '--dry-run') {
      dryRun = true;
    } else if (a === '--destdir' && value !== undefined) {
      root = resolve(value);
      i++;
    } else if (allowLayout && a === '--layout' && (value === 'debian' || value === 'xcp-ng')) {
      layout = value;
      i++;
    } else {
      return undefined;
    }
  }
  return { dryRun, root, layout };
}

function print(steps: readonly Step[], dryRun: boolean): void {
  for (const s of steps) process.stdout.write(`${dryRun ? 'would ' : ''}${describeStep(s)}\n`);
}

export const install: Command = {
  summary: 'install from this source tree what the packages install (--dry-run, --destdir DIR)',
  async run(args) {
    const opts = parseOptions(args, true);
    if (opts === undefined) {
      process.stderr.write(INSTALL_USAGE);
      return 2;
    }
    // The bundle's own directory is dist/; the tree around it has packaging/ and package.json.
    const dist = dirname(realpathSync(process.argv[1] as string));
    const repo = dirname(dist);
    if (!existsSync(join(repo, 'package.json')) || !existsSync(join(repo, 'packaging'))) {
      process.stderr.write(
        `xen-drbd install: ${repo} is not a xen-drbd source tree; run dist/xen-drbd from one, or install the .deb/.rpm\n`,
      );
      return 2;
    }
    const layout = opts.layout ?? (existsSync(join(opts.root, 'opt/xensource/sm')) ? 'xcp-ng' : 'debian');
    const plan = installPlan(layout);
    const origin = originFor(dist, repo, process.env);
    const missing = missingSources(plan, origin);
    if (missing.length > 0) {
      process.stderr.write(`xen-drbd install: missing ${missing.join(', ')}; run \`npm run build\` first\n`);
      return 2;
    }
    const decision = installSteps(layout, plan, observeInstall(opts.root));
    if (!decision.ok) {
      process.stderr.write(`xen-drbd install: ${decision.error}\n`);
      return 1;
    }
    process.stdout.write(`${layout} layout under ${opts.root}\n`);
    print(decision.steps, opts.dryRun);
    if (opts.dryRun) return 0;
    runInstall(opts.root, decision.steps, decision.manifest, origin);
    process.stdout.write(
      layout === 'debian'
        ? 'xen-drbd-reconcile.service is installed, not enabled: systemctl daemon-reload; systemctl enable xen-drbd-reconcile.service\n'
        : 'restart the toolstack on every host (xe-toolstack-restart) so that xapi loads drbdlvm\n',
    );
    if (opts.root === '/')
      process.stdout.write('xen-drbd startup-snapshot builds their start-up snapshots, as the packages do when installed\n');
    return 0;
  },
};

export const uninstall: Command = {
  summary: 'remove what `xen-drbd install` installed and put back what it displaced',
  async run(args) {
    const opts = parseOptions(args, false);
    if (opts === undefined) {
      process.stderr.write(UNINSTALL_USAGE);
      return 2;
    }
    const manifest = readManifest(opts.root);
    if (manifest === undefined) {
      process.stdout.write('nothing to uninstall: no source install recorded\n');
      return 0;
    }
    const steps = uninstallSteps(manifest);
    print(steps, opts.dryRun);
    // The start-up snapshots too, as the packages' postrm removes them: nothing records them.
    const snapshots = join(opts.root, SNAPSHOT_ROOT);
    if (existsSync(snapshots)) process.stdout.write(`${opts.dryRun ? 'would ' : ''}remove ${SNAPSHOT_ROOT} (start-up snapshots)\n`);
    if (!opts.dryRun) {
      runUninstall(opts.root, steps, manifest);
      rmSync(snapshots, { recursive: true, force: true });
    }
    return 0;
  },
};
