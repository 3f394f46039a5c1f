// Is xendomains started after DRBD and stopped before it, whatever put the ordering there? Pure.
// insserv reads `X-Start-Before: xendomains` in drbd's header as `Should-Start: drbd` in
// xendomains' (and Debian's xendomains already says so); systemd ignores drbd's header (drbd.service
// is native) and orders xendomains only through After= lines (docs/boot-order.md §2).
import { afterUnits } from './dropin';
import { headerField } from './lsb-header';
import { enabledDrbdUnits, type BootObserved } from './observed';

export interface OrderProblem {
  /** The file that should carry the ordering. */
  readonly where: string;
  readonly message: string;
}

export function bootOrderProblems(o: BootObserved): OrderProblem[] {
  return o.systemd ? systemdProblems(o) : sysvinitProblems(o);
}

function sysvinitProblems(o: BootObserved): OrderProblem[] {
  if (o.drbdInit === undefined || o.xendomainsInit === undefined) return [];
  const drbd = o.drbdInit.text;
  const xen = o.xendomainsInit.text;
  const names = (text: string, ...fields: string[]) => fields.flatMap((f) => headerField(text, f));
  const problems: OrderProblem[] = [];
  const startOk = names(drbd, 'X-Start-Before').includes('xendomains') || names(xen, 'Required-Start', 'Should-Start').includes('drbd');
  const stopOk = names(drbd, 'X-Stop-After').includes('xendomains') || names(xen, 'Required-Stop', 'Should-Stop').includes('drbd');
  if (!startOk) problems.push({ where: o.drbdInit.path, message: 'insserv may start xendomains before drbd: neither header orders them' });
  if (!stopOk) problems.push({ where: o.drbdInit.path, message: 'insserv may stop drbd before xendomains: neither header orders them' });
  return problems;
}

function systemdProblems(o: BootObserved): OrderProblem[] {
  const { drbdService, resourceTargets } = enabledDrbdUnits(o);
  const after = new Set<string>();
  if (o.dropIn !== undefined) for (const u of afterUnits(o.dropIn.text)) after.add(u);
  if (o.xendomainsUnit !== undefined) {
    for (const u of afterUnits(o.xendomainsUnit.text)) after.add(u);
  } else if (o.xendomainsInit !== undefined) {
    // systemd-sysv-generator turns Required-Start/Should-Start into After=.
    for (const n of [...headerField(o.xendomainsInit.text, 'Required-Start'), ...headerField(o.xendomainsInit.text, 'Should-Start')]) {
      after.add(n.startsWith('$') ? n : `${n}.service`);
    }
  }
  const where = o.dropIn?.path ?? '/etc/systemd/system/xendomains.service.d/10-drbd.conf';
  // With neither enabled DRBD is not started at boot at all (check reports that apart); the order
  // to ask for is still the one --apply writes.
  const required = [
    ...(drbdService || resourceTargets.length === 0 ? ['drbd.service'] : []),
    ...resourceTargets.map((r) => `drbd@${r}.target`),
  ];
  const missing = required.filter((u) => !after.has(u));
  return missing.length === 0 ? [] : [{ where, message: `xendomains.service is not ordered after ${missing.join(', ')}` }];
}
