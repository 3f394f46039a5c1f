// XD114, XD115: after a split brain someone must hear of it, and no policy should throw away a
// side's writes unasked. discard-zero-changes (only a side that wrote nothing) and disconnect are
// safe; the others discard by age, size or a fixed node, or (violently-as0p) even a Primary's data.
import type { Finding } from '../findings';
import type { Rule } from '../inputs';
import { option, resourcesInUse, resourceWhere } from '../resources';

const DISCARDING: Readonly<Record<string, readonly string[]>> = {
  'after-sb-0pri': ['discard-younger-primary', 'discard-older-primary', 'discard-least-changes'],
  'after-sb-1pri': ['violently-as0p'],
  'after-sb-2pri': ['violently-as0p'],
};

export const splitBrain: Rule = (inputs) =>
  resourcesInUse(inputs).flatMap((res): Finding[] => {
    const findings: Finding[] = [];
    const where = resourceWhere(res);
    if (option(inputs, res, 'handlers', 'split-brain') === undefined) {
      findings.push({
        code: 'XD114',
        severity: 'warning',
        where,
        message: `resource ${res.name} has no split-brain handler: a split brain leaves it StandAlone and nobody is told`,
        fix: `set 'handlers { split-brain "/usr/lib/drbd/notify-split-brain.sh root"; }' in common or ${res.name}`,
      });
    }
    for (const [name, bad] of Object.entries(DISCARDING)) {
      const value = option(inputs, res, 'net', name);
      if (value === undefined || !(bad.includes(value) || value.startsWith('discard-node-'))) continue;
      findings.push({
        code: 'XD115',
        severity: 'warning',
        where,
        message: `resource ${res.name}: ${name} ${value} throws away one side's writes after a split brain without asking`,
        fix: `use '${name} ${name === 'after-sb-0pri' ? 'discard-zero-changes' : 'disconnect'};' and resolve split brains by hand`,
      });
    }
    return findings;
  });
