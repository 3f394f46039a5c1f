// XD200: without the DRBD configuration no disk can be matched to a resource.
import type { Rule } from '../inputs';

export const drbdConfig: Rule = (inputs) =>
  inputs.drbd.ok
    ? []
    : [
        {
          code: 'XD200',
          severity: 'error',
          where: 'drbdadm dump-xml',
          message: `cannot read the DRBD configuration: ${inputs.drbd.error}`,
          fix: 'install drbd-utils and correct /etc/drbd.conf until `drbdadm dump-xml` succeeds',
        },
      ];
