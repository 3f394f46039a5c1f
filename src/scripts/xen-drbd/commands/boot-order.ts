// `xen-drbd boot-order --check | --apply | --undo [--root DIR]`: orders xendomains after DRBD at
// boot and before it at shutdown: drbd's LSB header for insserv, a drop-in for systemd.
import { applyChanges, BACKUP_DIR, hasBackup, undoChanges } from '../../../boot-order/apply';
import { bootOrderProblems } from '../../../boot-order/assess';
import { observeBoot } from '../../../boot-order/observe';
import { planBootOrder } from '../../../boot-order/plan';
import { runCommand, succeeded, type Argv } from '../../../exec/run';
import { existsSync } from 'node:fs';
import type { Command } from './command';

const USAGE = 'usage: xen-drbd boot-order --check | --apply | --undo [--root DIR]\n';

export const bootOrder: Command = {
  summary: 'order xendomains after DRBD at boot (--check, --apply, --undo)',
  async run(args) {
    const modes = args.filter((a) => a === '--check' || a === '--apply' || a === '--undo');
    const rootAt = args.indexOf('--root');
    const root = rootAt >= 0 ? args[rootAt + 1] : '/';
    const known = modes.length + (rootAt >= 0 ? 2 : 0);
    if (modes.length !== 1 || root === undefined || known !== args.length) {
      process.stderr.write(USAGE);
      return 2;
    }
    const mode = modes[0];
    if (mode === '--undo') {
      if (!undoChanges(root)) {
        process.stdout.write('nothing to undo\n');
        return 0;
      }
      process.stdout.write(`restored the files saved in ${BACKUP_DIR}\n`);
      return (await refreshInit(root)) ? 0 : 1;
    }
    const observed = observeBoot(root);
    const plan = planBootOrder(observed);
    if (!plan.ok) {
      process.stderr.write(`xen-drbd boot-order: ${plan.error}\n`);
      return 2;
    }
    if (mode === '--check') {
      for (const p of bootOrderProblems(observed)) process.stdout.write(`${p.where}: ${p.message}\n`);
      for (const c of plan.changes) process.stdout.write(`${c.path}: would ${c.why}\n`);
      if (plan.changes.length === 0) process.stdout.write('boot order: in place\n');
      return plan.changes.length === 0 ? 0 : 1;
    }
    if (plan.changes.length === 0) {
      process.stdout.write('boot order: already in place\n');
      return 0;
    }
    const first = !hasBackup(root);
    applyChanges(root, plan.changes);
    for (const c of plan.changes) process.stdout.write(`${c.path}: ${c.why}\n`);
    if (first) process.stdout.write(`originals saved in ${BACKUP_DIR}; \`xen-drbd boot-order --undo\` restores them\n`);
    return (await refreshInit(root)) ? 0 : 1;
  },
};

// Only on the real host: make the init system re-read what changed. insserv orders from headers
// (through update-rc.d where that is the front end); systemd re-reads units on daemon-reload.
// update-rc.d only when drbd has start links: on a disabled drbd, `defaults` would enable it.
async function refreshInit(root: string): Promise<boolean> {
  if (root !== '/') return true;
  const steps: Argv[] = [];
  const enabled = observeBoot('/').rcStartLinks.has('drbd');
  if (enabled && existsSync('/usr/sbin/update-rc.d')) steps.push(['update-rc.d', 'drbd', 'defaults']);
  else if (enabled && (existsSync('/sbin/insserv') || existsSync('/usr/sbin/insserv'))) steps.push(['insserv', 'drbd']);
  if (existsSync('/run/systemd/system')) steps.push(['systemctl', 'daemon-reload']);
  let ok = true;
  for (const argv of steps) {
    const r = await runCommand(argv, { timeoutMs: 60_000 });
    process.stdout.write(`ran ${argv.join(' ')}: ${succeeded(r) ? 'ok' : `failed: ${r.stderr.trim() || `exit ${r.exitCode}`}`}\n`);
    ok &&= succeeded(r);
  }
  if (!enabled && !existsSync('/run/systemd/system'))
    process.stdout.write('drbd is not enabled at boot: `update-rc.d drbd enable` (insserv then reads the new header)\n');
  return ok;
}
