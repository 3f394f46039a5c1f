// XD103-XD106: each DRBD disk names a resource, and a volume, that this host's DRBD config has,
// the way block-drbd will look it up at `add`.
import type { Finding } from '../findings';
import type { Rule } from '../inputs';
import { findResource } from '../resources';

export const resourceRef: Rule = (inputs) => {
  if (!inputs.drbd.ok) return []; // XD200 says why nothing could be checked
  const dump = inputs.drbd.dump;
  return inputs.domains.flatMap((d) =>
    d.drbdDisks.flatMap((disk): Finding[] => {
      const where = `${d.file.path}:${disk.line}`;
      if (disk.ref === undefined) {
        return [
          {
            code: 'XD103',
            severity: 'error',
            where,
            message: `block-drbd will refuse the target: ${disk.targetError ?? disk.target}`,
            fix: 'name a DRBD resource as RES or RES/VOLUME',
          },
        ];
      }
      const { name, volume } = disk.ref;
      const res = findResource(dump, name);
      if (res === undefined) {
        const known = dump.resources.map((r) => r.name).join(', ') || 'none';
        return [
          {
            code: 'XD103',
            severity: 'error',
            where,
            message: `no DRBD resource '${name}' is configured (have: ${known})`,
            fix: `define resource ${name} in /etc/drbd.d/${name}.res on both hosts, or correct the name`,
          },
        ];
      }
      const here = res.hosts.find((h) => h.name === inputs.hostname);
      if (here === undefined) {
        const hosts = res.hosts.map((h) => h.name ?? 'floating').join(', ');
        return [
          {
            code: 'XD104',
            severity: 'error',
            where,
            message: `resource ${name} has no 'on ${inputs.hostname}' section (hosts: ${hosts}), so drbdadm will not bring it up here`,
            fix: `add 'on ${inputs.hostname} { ... }' to resource ${name}, or check that \`uname -n\` matches the name in the config`,
          },
        ];
      }
      const vnrs = here.volumes.map((v) => v.vnr);
      if (volume !== undefined && !vnrs.includes(volume)) {
        return [
          {
            code: 'XD105',
            severity: 'error',
            where,
            message: `resource ${name} has no volume ${volume} (volumes: ${vnrs.join(', ')})`,
            fix: `use one of ${vnrs.map((v) => `${name}/${v}`).join(', ')}`,
          },
        ];
      }
      if (volume === undefined && vnrs.length > 1) {
        return [
          {
            code: 'XD106',
            severity: 'error',
            where,
            message: `resource ${name} has ${vnrs.length} volumes, and block-drbd refuses a disk that does not say which`,
            fix: `name one volume per disk: ${vnrs.map((v) => `'drbd:${name}/${v},...'`).join(', ')}`,
          },
        ];
      }
      return [];
    }),
  );
};
