// Which lab failures are the lab's own (worth one retry in a fresh lab) rather than a finding
// about xen-drbd: the messages the harness throws when a host does not come up, qemu dies, or the
// dom0 agent stays unreachable after its retries. Anything else, an assertion above all, is a
// finding.
const INFRA = [
  /host [ABC]: timeout \d+ ms waiting for \/LAB-READY/,
  /host [ABC]: qemu exited code=/,
  /host [ABC]: agent not reachable on 127\.0\.0\.1/,
  /host [ABC] is not running \(/,
  /host [ABC]: qemu could not connect to 127\.0\.0\.1/,
  /host [ABC]: console shows "(Kernel panic|\(XEN\) Panic)/,
  /\b(ECONNRESET|ECONNREFUSED|socket hang up)\b/,
];

const ASSERTION = /\bexpect\(|Expected:|Received:/;

/** True when every failure message is an infrastructure failure and none is an assertion. */
export function isInfrastructureFailure(messages: readonly string[]): boolean {
  const real = messages.filter((m) => m.trim() !== '');
  return real.length > 0 && real.every((m) => !ASSERTION.test(m) && INFRA.some((re) => re.test(m)));
}
