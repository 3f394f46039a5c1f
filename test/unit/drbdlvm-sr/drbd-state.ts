// Test helper: a DRBD observation in one line. Not a test file (no .test.ts).
import type { DiskState, Link, ResourceName, ResourceState, Role } from '../../../src/drbd/types';

export function drbdState(
  link: Link,
  disk: DiskState = 'UpToDate',
  peerDisk: DiskState = 'UpToDate',
  role: Role = 'Primary',
  peerRole: Role = 'Primary',
): ResourceState {
  const connectionText = link === 'Established' ? 'Connected' : link === 'Connecting' ? 'WFConnection' : link;
  return { name: 'r0' as ResourceName, role, peerRole, link, connectionText, volumes: [{ minor: 0, disk, peerDisk }] };
}
