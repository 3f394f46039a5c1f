// XD107: a read-only DRBD disk still needs the resource Primary: DRBD lets no one open a Secondary.
import type { Rule } from '../inputs';

export const accessMode: Rule = (inputs) =>
  inputs.domains.flatMap((d) =>
    d.drbdDisks
      .filter((disk) => disk.readonly)
      .map((disk) => ({
        code: 'XD107' as const,
        severity: 'info' as const,
        where: `${d.file.path}:${disk.line}`,
        message: `'${disk.spec}' is read-only, yet block-drbd must still promote ${disk.target} to Primary, so the peer cannot use it meanwhile`,
        fix: 'nothing to do if that is intended; DRBD cannot share one resource read-only between hosts',
      })),
  );
