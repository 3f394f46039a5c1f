// XD204: nothing runs `drbdadm verify`, so silent divergence between the hosts (a bad disk, a
// resync bug) is found only when the other side is needed.
import type { Rule } from '../inputs';

const VERIFY = /\bdrbdadm\b[^\n]*\bverify\b/;

export const periodicVerify: Rule = (inputs) => {
  if (!inputs.drbd.ok || inputs.drbd.dump.resources.length === 0) return [];
  if (inputs.schedules.some((f) => VERIFY.test(f.text))) return [];
  return [
    {
      code: 'XD204',
      severity: 'warning',
      where: '/etc/cron.d, /etc/systemd/system',
      message: 'no cron job or enabled systemd timer runs `drbdadm verify`',
      fix: "e.g. /etc/cron.d/drbd-verify: '42 0 * * 0 root /sbin/drbdadm verify all' (needs verify-alg), and watch the log for out-of-sync",
    },
  ];
};
