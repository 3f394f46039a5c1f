// What the hotplug flows need from the host beyond the shared core's ports, passed in from main.ts
// so the flows are testable without one.
import type { Dom0Mount } from '../../hotplug/sharing';
import type { PrimaryPorts } from '../../primary/ports';
import type { XenstorePort } from '../../xenstore/client';

export interface Ports extends PrimaryPorts {
  readonly xs: XenstorePort;
  mounts(): Dom0Mount[];
}
