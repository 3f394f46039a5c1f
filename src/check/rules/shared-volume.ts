// XD108: one DRBD volume given to two disks, in one domain or two: the second `add` is refused by
// the sharing check, or, with '!' modes, two guests write one disk.
import type { Finding } from '../findings';
import type { Rule } from '../inputs';

export const sharedVolume: Rule = (inputs) => {
  const seen = new Map<string, string>();
  const findings: Finding[] = [];
  for (const d of inputs.domains) {
    for (const disk of d.drbdDisks) {
      if (disk.ref === undefined) continue;
      const key = `${disk.ref.name}/${disk.ref.volume ?? 0}`;
      const where = `${d.file.path}:${disk.line}`;
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, where);
        continue;
      }
      findings.push({
        code: 'XD108',
        severity: 'error',
        where,
        message: `DRBD volume ${key} is already the disk at ${first}`,
        fix: 'give each domain disk its own DRBD resource or volume',
      });
    }
  }
  return findings;
};
