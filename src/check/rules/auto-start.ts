// XD120, XD122: a DRBD domain in /etc/xen/auto on both hosts: after a double reboot both race to
// start it; one refuses (peer Primary) at best. The peer's list comes from --peer-auto-list.
import { domainLabel } from '../domain';
import type { Finding } from '../findings';
import type { Rule } from '../inputs';
import { drbdDomains } from '../resources';

export const autoStart: Rule = (inputs) => {
  const peer = inputs.peerAutoList;
  if (peer === undefined) return [];
  if ('error' in peer) {
    return [
      {
        code: 'XD122',
        severity: 'error',
        where: peer.path,
        message: `cannot read the peer's auto-start list: ${peer.error}`,
        fix: "write the peer's `ls /etc/xen/auto` (or its domain names) to the file, one per line",
      },
    ];
  }
  const theirs = new Set(peer.entries.flatMap((e) => [e, e.replace(/\.cfg$/, '')]));
  return drbdDomains(inputs)
    .filter((d) => d.file.autoStarted)
    .flatMap((d): Finding[] => {
      const names = [domainLabel(d), d.file.autoName, d.file.autoName?.replace(/\.cfg$/, '')].filter((n): n is string => n !== undefined);
      const match = names.find((n) => theirs.has(n));
      if (match === undefined) return [];
      return [
        {
          code: 'XD120',
          severity: 'error',
          where: d.file.path,
          message: `domain ${domainLabel(d)} is auto-started here and on the peer (${peer.path} lists ${match}): both hosts will try to start it at boot`,
          fix: `remove it from /etc/xen/auto on one host; start it where its DRBD resources should be Primary`,
        },
      ];
    });
};
