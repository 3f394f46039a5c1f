// XD113: `drbdadm verify` fails at once on a resource without verify-alg, so no periodic verify
// can find silent divergence on it.
import type { Rule } from '../inputs';
import { option, resourcesInUse, resourceWhere } from '../resources';

export const verifyAlg: Rule = (inputs) =>
  resourcesInUse(inputs).flatMap((res) =>
    option(inputs, res, 'net', 'verify-alg') !== undefined
      ? []
      : [
          {
            code: 'XD113' as const,
            severity: 'warning' as const,
            where: resourceWhere(res),
            message: `resource ${res.name} has no verify-alg, so \`drbdadm verify ${res.name}\` cannot run`,
            fix: `set 'net { verify-alg crc32c; }' (or sha256) for ${res.name} on both hosts and run \`drbdadm adjust ${res.name}\``,
          },
        ],
  );
