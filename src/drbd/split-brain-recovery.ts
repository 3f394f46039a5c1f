// DRBD's documented manual split-brain recovery, as the steps an admin runs. Every front door
// (block-drbd, the libvirt hook, the SR driver) names these steps and runs none of them: which
// host's changes to throw away is a decision only an admin can make.
//
// Without the guide's `drbdadm disconnect` step: the resource is StandAlone already, and 8.4's
// disconnect of a StandAlone resource fails ("unknown connection", exit 10; lab scenario 18), which
// stops an admin who runs the steps joined with &&.

/**
 * "decide which host's changes to discard; on that host <stopWhat>, then 'drbdadm secondary R',
 * 'drbdadm connect --discard-my-data R'; on the other host 'drbdadm connect R'".
 */
export function discardSteps(resource: string, stopWhat: string): string {
  return (
    `decide which host's changes to discard; on that host ${stopWhat}, then 'drbdadm secondary ${resource}', ` +
    `'drbdadm connect --discard-my-data ${resource}'; on the other host 'drbdadm connect ${resource}'`
  );
}
