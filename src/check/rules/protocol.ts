// XD110: DRBD only allows two primaries, which every live migration needs for a moment, over
// protocol C (the kernel answers ERR_NOT_PROTO_C otherwise).
import type { Rule } from '../inputs';
import { migrationAllowed, option, resourcesInUse, resourceWhere } from '../resources';

export const protocol: Rule = (inputs) => {
  if (!migrationAllowed(inputs)) return [];
  return resourcesInUse(inputs).flatMap((res) => {
    const value = option(inputs, res, 'net', 'protocol') ?? 'C'; // DRBD's default
    if (value.toUpperCase() === 'C') return [];
    return [
      {
        code: 'XD110' as const,
        severity: 'error' as const,
        where: resourceWhere(res),
        message: `resource ${res.name} uses protocol ${value}: DRBD refuses dual-primary without protocol C, so \`xl migrate\` fails`,
        fix: `set 'net { protocol C; }' in resource ${res.name} on both hosts and run \`drbdadm adjust ${res.name}\`; or set migrationMode "refuse"`,
      },
    ];
  });
};
