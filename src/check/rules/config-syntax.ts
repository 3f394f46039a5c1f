// XD100-XD102: configs and disk specs xl itself would refuse, with the LINBIT shorthand called out.
import type { Finding } from '../findings';
import type { Rule } from '../inputs';
import { findResource } from '../resources';

export const configSyntax: Rule = (inputs) =>
  inputs.domains.flatMap((d): Finding[] => {
    const e = d.parseError;
    if (e !== undefined && e.line === undefined) {
      return [
        {
          code: 'XD100',
          severity: 'error',
          where: d.file.path,
          message: `cannot read the config: ${e.message}`,
          fix: 'check the path and its permissions',
        },
      ];
    }
    if (e !== undefined) {
      return [
        {
          code: 'XD100',
          severity: 'error',
          where: `${d.file.path}:${e.line}`,
          message: `xl cannot parse this file: ${e.message}`,
          fix: 'correct the syntax (xl.cfg(5)); `xen-drbd parse-config FILE` shows how xl reads it',
        },
      ];
    }
    return d.rejectedDisks.map((disk): Finding => {
      const where = `${d.file.path}:${disk.line}`;
      const bare = bareShorthand(disk.spec, disk.message);
      const known = bare !== undefined && inputs.drbd.ok && findResource(inputs.drbd.dump, bare.resource) !== undefined;
      if (bare !== undefined && (known || /^(xvd|hd|sd)[a-z]/.test(bare.vdev))) {
        return {
          code: 'XD101',
          severity: 'error',
          where,
          message: `'${disk.spec}' is the LINBIT guide's shorthand, which libxl rejects ("unknown value for format")`,
          fix: `write 'drbd:${disk.spec}' or 'vdev=${bare.vdev},access=${bare.access},script=block-drbd,target=${bare.resource}'`,
        };
      }
      return {
        code: 'XD102',
        severity: 'error',
        where,
        message: `xl rejects the disk '${disk.spec}': ${disk.message}`,
        fix: 'correct the disk spec (xl-disk-configuration(5))',
      };
    });
  });

// `r0,xvda,w`: libxl takes the second positional as the format, so it fails on the vdev.
function bareShorthand(spec: string, message: string): { resource: string; vdev: string; access: string } | undefined {
  if (!message.includes('unknown value for format')) return undefined;
  const [resource, vdev, access = 'rw', ...rest] = spec.split(',').map((s) => s.trim());
  if (resource === undefined || vdev === undefined || rest.length > 0 || resource.includes(':') || resource.includes('=')) return undefined;
  return { resource, vdev, access: access === 'w' ? 'rw' : access === 'r' ? 'ro' : access };
}
