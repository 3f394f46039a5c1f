// XD206: xendomains must start after DRBD and stop before it (`xen-drbd boot-order --apply`).
import { bootOrderProblems } from '../../boot-order/assess';
import type { Rule } from '../inputs';
import { drbdDomains } from '../resources';

export const bootOrder: Rule = (inputs) => {
  if (!inputs.drbd.ok || inputs.drbd.dump.resources.length === 0) return [];
  const auto = drbdDomains(inputs).some((d) => d.file.autoStarted);
  return bootOrderProblems(inputs.boot).map((p) => ({
    code: 'XD206' as const,
    severity: auto ? ('error' as const) : ('warning' as const),
    where: p.where,
    message: `${p.message}: domains start before their resources are up, and DRBD goes down under running domains`,
    fix: 'xen-drbd boot-order --apply',
  }));
};
