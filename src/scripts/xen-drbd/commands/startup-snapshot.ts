// `xen-drbd startup-snapshot [--status | --remove] [PATH...]`: builds a V8 start-up snapshot of each
// installed executable for the node installed (src/startup-snapshot), or says whether each is in
// use, or removes them. The packages run it after every install and whenever node changes.
import { existsSync } from 'node:fs';
import { runCommand } from '../../../exec/run';
import { buildSnapshot, HOST_PLACES, isInstalled, notUsedBecause, removeSnapshot } from '../../../startup-snapshot/build';
import { installedTargets, notWanted, targetAt, type SnapshotTarget } from '../../../startup-snapshot/targets';
import type { Command } from './command';

const USAGE = 'usage: xen-drbd startup-snapshot [--status | --remove] [PATH...]\n';

export const startupSnapshot: Command = {
  summary: 'build start-up snapshots of the executables for the installed node (--status, --remove)',
  async run(args) {
    const modes = args.filter((a) => a.startsWith('-'));
    const mode = modes[0] ?? 'build';
    if (modes.length > 1 || !['build', '--status', '--remove'].includes(mode)) {
      process.stderr.write(USAGE);
      return 2;
    }
    const paths = args.filter((a) => !a.startsWith('-'));
    const named = paths.map(targetAt);
    const bad = named.filter((t): t is string => typeof t === 'string');
    if (bad.length > 0) {
      process.stderr.write(`${bad.map((b) => `xen-drbd: ${b}\n`).join('')}${USAGE}`);
      return 2;
    }
    const targets = (paths.length > 0 ? (named as SnapshotTarget[]) : installedTargets()).filter(isInstalled);
    let failures = 0;
    for (const t of targets) {
      // Named ones are built regardless; --remove takes away whatever there is.
      const unwanted = paths.length > 0 || mode === '--remove' ? undefined : notWanted(t, existsSync);
      try {
        if (unwanted !== undefined) {
          if (mode === 'build') removeSnapshot(t, HOST_PLACES);
          process.stdout.write(`${t.name}: no snapshot: ${unwanted}\n`);
        } else if (mode === '--remove') {
          process.stdout.write(`${t.name}: ${removeSnapshot(t, HOST_PLACES) ? 'snapshot removed' : 'had no snapshot'}\n`);
        } else if (mode === '--status') {
          const why = notUsedBecause(t, HOST_PLACES);
          if (why !== undefined) failures += 1;
          process.stdout.write(`${t.name}: ${why === undefined ? 'starts from its snapshot' : `starts without a snapshot: ${why}`}\n`);
        } else {
          const r = await buildSnapshot(t, HOST_PLACES, runCommand);
          const mib = (r.blobBytes / 2 ** 20).toFixed(1);
          process.stdout.write(
            `${t.name}: snapshot built for ${HOST_PLACES.node} ${process.version} (${mib} MiB in ${r.buildMs} ms), checked, in use\n`,
          );
        }
      } catch (e) {
        failures += 1;
        process.stderr.write(`xen-drbd: ${t.name} (${t.path}): ${(e as Error).message}; it starts without a snapshot\n`);
      }
    }
    if (targets.length === 0) process.stderr.write('xen-drbd: none of the executables is installed here\n');
    return failures > 0 || targets.length === 0 ? 1 : 0;
  },
};
