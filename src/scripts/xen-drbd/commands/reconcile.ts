// `xen-drbd reconcile [--apply] [--include-unrecorded]`: demotes resources left Primary with no
// domain using them (libxl skips `remove` when a backend never reaches Closed) and switches off a
// runtime dual-primary left behind. Prints what it would do unless --apply.
import type { DrbdTarget } from '../../../drbd/drbd';
import { changeRole, switchTwoPrimaries, type RoleChange } from '../../../drbd/read-back';
import { assessHost, planReconcile } from '../../../host-view/assess';
import { gatherHost } from '../../../host-view/gather';
import type { HostView } from '../../../host-view/types';
import { openHost, type Host } from '../host';
import type { Command } from './command';

const FLAGS = new Set(['--apply', '--include-unrecorded']);

export const reconcile: Command = {
  summary: 'demote resources left Primary with no domain using them (dry run unless --apply)',
  async run(args) {
    if (args.some((a) => !FLAGS.has(a))) {
      process.stderr.write('usage: xen-drbd reconcile [--apply] [--include-unrecorded]\n');
      return 2;
    }
    const apply = args.includes('--apply');
    const host = await openHost();
    try {
      const { view, targets } = await gatherHost(host);
      const actions = planReconcile(view, assessHost(view), args.includes('--include-unrecorded'));
      if (actions.length === 0) {
        process.stdout.write('nothing to reconcile\n');
        return 0;
      }
      let failures = 0;
      for (const a of actions) {
        if (a.kind === 'keep') {
          process.stdout.write(`not demoting ${a.resource}: ${a.why}\n`);
          continue;
        }
        const what = a.kind === 'demote' ? `demote ${a.resource}` : `switch allow-two-primaries off on ${a.resource}`;
        if (!apply) {
          process.stdout.write(`would ${what}: ${a.why}\n`);
          continue;
        }
        // An action needs a state gather read, so gather resolved the resource; else drbdadm does it.
        const target = targets.get(a.resource) ?? { name: a.resource };
        // Read back: the ledger forgets a promotion only once DRBD shows the resource Secondary.
        const r = a.kind === 'demote' ? await demote(host, view, target) : await switchTwoPrimaries(host.drbd, target, false);
        if (r.ok) {
          if (a.kind === 'demote') host.ledger.clear(a.resource);
          process.stdout.write(`${what}: done\n`);
        } else {
          failures++;
          process.stdout.write(`${what}: FAILED: ${r.error.message}\n`);
        }
      }
      if (!apply && actions.some((a) => a.kind !== 'keep')) process.stdout.write('dry run: run with --apply to do this\n');
      return failures === 0 ? 0 : 1;
    } finally {
      host.close();
    }
  },
};

/** The demotion, read back on the volumes the view looked at. */
function demote(host: Host, view: HostView, target: DrbdTarget): Promise<RoleChange> {
  const devices = view.resources.find((r) => r.name === target.name)?.devices ?? [];
  return changeRole(host.drbd, target, devices, 'Secondary');
}
