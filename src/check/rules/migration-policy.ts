// XD112, XD208: /etc/xen/xen-drbd.json as block-drbd will read it. An unreadable policy fails
// every block-drbd add; "require-configured" refuses migration of resources not configured for it.
import type { Finding } from '../findings';
import type { Rule } from '../inputs';
import { option, resourcesInUse, resourceWhere } from '../resources';

export const migrationPolicy: Rule = (inputs) => {
  const { path, result } = inputs.policy;
  if (!result.ok) {
    return [
      {
        code: 'XD208',
        severity: 'error',
        where: path,
        message: `block-drbd cannot use its policy: ${result.error}`,
        fix: `correct ${path} (see README: "Policy"), or remove it for the defaults`,
      },
    ];
  }
  if (result.policy.migrationMode !== 'require-configured') return [];
  return resourcesInUse(inputs).flatMap((res): Finding[] =>
    option(inputs, res, 'net', 'allow-two-primaries') === 'yes'
      ? []
      : [
          {
            code: 'XD112',
            severity: 'warning',
            where: resourceWhere(res),
            message: `migrationMode "require-configured" in ${path}, but ${res.name} is not configured allow-two-primaries: block-drbd refuses to migrate its domains`,
            fix: `add 'net { allow-two-primaries yes; }' to ${res.name} on both hosts (with fencing), or set migrationMode "runtime-dual-primary"`,
          },
        ],
  );
};
