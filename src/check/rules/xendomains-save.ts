// XD121: with XENDOMAINS_SAVE set and XENDOMAINS_RESTORE=true (Debian's defaults), xendomains saves
// running domains at shutdown and restores them here at boot, even when the peer has run the
// domain since: a stale memory image resumed on a diverged disk, or a refused start.
import { parseShellAssignments } from '../shell-vars';
import type { Rule } from '../inputs';
import { domainLabel } from '../domain';
import { drbdDomains } from '../resources';

export const xendomainsSave: Rule = (inputs) => {
  const file = inputs.xendomainsDefault;
  const domains = drbdDomains(inputs);
  if (file === undefined || domains.length === 0) return [];
  const vars = parseShellAssignments(file.text);
  const save = vars.get('XENDOMAINS_SAVE');
  const restore = vars.get('XENDOMAINS_RESTORE');
  if (save === undefined || save.value === '' || restore?.value !== 'true') return [];
  return [
    {
      code: 'XD121' as const,
      severity: 'error' as const,
      where: `${file.path}:${save.line}`,
      message: `XENDOMAINS_SAVE=${save.value} with XENDOMAINS_RESTORE=true: xendomains will restore DRBD domains (${domains.map(domainLabel).join(', ')}) on this host at boot, even after the peer took them over`,
      fix: 'set XENDOMAINS_SAVE="" so domains are shut down (or XENDOMAINS_MIGRATE to move them) instead of saved',
    },
  ];
};
