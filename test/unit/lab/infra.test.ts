// The lab suite retries a scenario file once only for the lab's own failures; a finding about
// xen-drbd (an assertion) must never be retried away.
import { isInfrastructureFailure } from '../../lab/lib/infra';

test("a host that never booted, or qemu dying, is the lab's failure", () => {
  expect(
    isInfrastructureFailure(['Error: host B: timeout 240000 ms waiting for /LAB-READY [^\\r\\n]*/ on the console (serial: /tmp/x)']),
  ).toBe(true);
  expect(isInfrastructureFailure(['Error: host A: qemu exited code=null signal=SIGKILL while waiting for /LAB-READY/'])).toBe(true);
  expect(isInfrastructureFailure(['Error: socket hang up\n    at Socket.socketOnEnd'])).toBe(true);
  // The third, plain host of a three-host lab.
  expect(isInfrastructureFailure(['Error: host C: agent not reachable on 127.0.0.1:40123 after 5 tries'])).toBe(true);
});

test('an assertion is a finding, even next to a lab failure', () => {
  expect(
    isInfrastructureFailure(['Error: expect(received).toBe(expected)\n\nExpected: "Secondary/Secondary"\nReceived: "Primary/Secondary"']),
  ).toBe(false);
  expect(isInfrastructureFailure(['Error: socket hang up', 'Error: expect(received).toBe(expected)'])).toBe(false);
});

test('an unknown error is a finding; no message at all is not a lab failure', () => {
  expect(isInfrastructureFailure(['Error: host A: `drbdadm up r0` failed (rc=10): Failure: (114) Lower device is already claimed'])).toBe(
    false,
  );
  expect(isInfrastructureFailure([])).toBe(false);
});
