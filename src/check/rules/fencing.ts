// XD111: with two primaries possible and no fencing, a lost link during a migration window (or
// any time, with allow-two-primaries permanent) lets both sides write: LINBIT calls that "a very
// bad idea". Fencing lives in `net` on DRBD 9 and in `disk` on 8.4.
import type { Rule } from '../inputs';
import { migrationAllowed, option, resourcesInUse, resourceWhere } from '../resources';

export const fencing: Rule = (inputs) =>
  resourcesInUse(inputs).flatMap((res) => {
    const policy = option(inputs, res, 'net', 'fencing') ?? option(inputs, res, 'disk', 'fencing') ?? 'dont-care';
    const handler = option(inputs, res, 'handlers', 'fence-peer');
    if (policy !== 'dont-care' && handler !== undefined) return [];
    const permanent = option(inputs, res, 'net', 'allow-two-primaries') === 'yes';
    if (!permanent && !migrationAllowed(inputs)) return [];
    const missing = policy === 'dont-care' ? `fencing is ${policy}` : 'no fence-peer handler is set';
    return [
      {
        code: 'XD111' as const,
        severity: permanent ? ('error' as const) : ('warning' as const),
        where: resourceWhere(res),
        message: `resource ${res.name} can run dual-primary (${permanent ? 'allow-two-primaries yes' : 'during live migration'}) but ${missing}`,
        fix: `set 'fencing resource-and-stonith;' and a 'fence-peer' handler for ${res.name} (DRBD 9: net section; 8.4: disk section)`,
      },
    ];
  });
