// Kernel blkback on the LV itself: `params` is /dev/<VG>/<LV>, which the backend opens when the
// toolstack plugs the disk. This is what a Debian/xl host (the lab) can run. Not for XCP-ng: xapi
// hands xenopsd a vbd3 backend, and tapback serves only tapdisk minors (docs/smapi.md §13).
import { lvPath, type Uuid } from '../layout';
import type { BlockBackendPort } from '../ports';

export const blkback: BlockBackendPort = {
  params: (srUuid: Uuid, vdiUuid: Uuid) => lvPath(srUuid, vdiUuid),
  // The LV is active (the handler's job) and the kernel backend opens it itself: nothing to start.
  open: async () => undefined,
  close: async () => undefined,
};
