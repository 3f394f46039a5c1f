// The driver's fault catalogue: name → stable code and description. Codes below 5000 are xapi's
// (XE_SR_ERRORCODES.xml; docs/smapi.md §6) and keep their meaning: 16, 24, 38, 39 and 144 are mapped
// by xapi itself to SR_DEVICE_IN_USE, VDI_IN_USE, Not_implemented_in_backend, SR_NOT_EMPTY and
// VDI_MISSING; every other code reaches the user as SR_BACKEND_FAILURE_<code>. 5100 and up are
// ours (XCP-ng's own drivers use 5000-5011). A code never changes once shipped: the test
// test/unit/drbdlvm-sr/errors.test.ts pins every one.

export const SR_ERRORS = {
  InvalidArg: { code: 1, description: 'Invalid argument' },
  SRInUse: { code: 16, description: 'The SR device is currently in use' },
  VDIInUse: { code: 24, description: 'The VDI is currently in use' },
  LockErr: { code: 37, description: 'The lock/unlock request failed' },
  Unimplemented: { code: 38, description: 'The requested method is not supported/implemented' },
  SRNotEmpty: { code: 39, description: 'The SR is not empty' },
  SRScan: { code: 40, description: 'The SR scan failed' },
  SRExists: { code: 42, description: 'The SR already exists' },
  VDIExists: { code: 43, description: 'The VDI already exists' },
  SRNoSpace: { code: 44, description: 'There is insufficient space' },
  VDIUnavailable: { code: 46, description: 'The VDI is not available' },
  SRUnavailable: { code: 47, description: 'The SR is not available' },
  SRBadXML: { code: 49, description: 'The request is not valid XML' },
  LVMCreate: { code: 50, description: 'Logical Volume creation error' },
  LVMDelete: { code: 51, description: 'Logical Volume deletion error' },
  LVMMount: { code: 52, description: 'Logical Volume mount/activate error' },
  LVMUnMount: { code: 53, description: 'Logical Volume unmount/deactivate error' },
  LVMMaster: { code: 58, description: 'Logical Volume request must come from master' },
  LVMResize: { code: 59, description: 'Logical Volume resize failed' },
  VDIType: { code: 66, description: 'This VDI type is not supported by the SR' },
  VDICreate: { code: 78, description: 'VDI creation failed' },
  VDISize: { code: 79, description: 'The VDI size is invalid' },
  VDIDelete: { code: 80, description: 'VDI deletion failed' },
  ConfigDeviceMissing: { code: 90, description: 'The request is missing the device parameter' },
  ConfigDeviceInvalid: { code: 91, description: 'The device-config is invalid' },
  VDIResize: { code: 110, description: 'VDI resize failed' },
  ConfigParamsMissing: { code: 115, description: 'Not all required parameters specified' },
  BadRequest: { code: 143, description: 'Failed to parse the request' },
  VDIMissing: { code: 144, description: 'The VDI is not present in the SR' },
  APISession: { code: 150, description: 'Failed to use the XenAPI session' },
  SMGeneral: { code: 202, description: 'General backend error' },
  TapdiskFailed: { code: 453, description: 'The tapdisk failed' },
  GenericException: { code: 1200, description: 'Unexpected error in the SM driver' },

  // --- drbdlvm's own range ---
  DrbdResourceMissing: { code: 5100, description: 'The DRBD resource is not configured or not up on this host' },
  DrbdNotConnected: { code: 5101, description: 'DRBD is not connected to its peer' },
  DrbdPeerNotUpToDate: { code: 5102, description: 'The DRBD peer disk is not UpToDate' },
  DrbdStandAlone: { code: 5103, description: 'DRBD is StandAlone (disconnected, possibly after a split-brain); replication has stopped' },
  DrbdLocalNotUpToDate: { code: 5104, description: 'The local DRBD disk is not UpToDate' },
  DrbdPromoteFailed: { code: 5105, description: 'DRBD could not be promoted to Primary on this host' },
  ActiveOnOtherHost: { code: 5106, description: 'VDIs of this SR are active on another host; all VMs of a drbdlvm SR run on one host' },
  ActivationLocked: { code: 5107, description: 'Another activation holds the SR activation lock' },
  VgMissing: { code: 5108, description: 'The SR volume group is not visible on the DRBD device' },
  // 5109 was NotImplementedYet in pre-release builds (handlers not written yet): never reuse it.
  DrbdDemoteFailed: { code: 5110, description: 'DRBD could not be demoted to Secondary on this host' },
} as const;

export type SrErrorName = keyof typeof SR_ERRORS;

/** A fault the driver means to return: the boundary prints it as `description [opterr=...]`. */
export class SrError extends Error {
  override readonly name = 'SrError';
  readonly code: number;

  constructor(
    readonly errorName: SrErrorName,
    readonly opterr?: string,
  ) {
    super(faultString(errorName, opterr));
    this.code = SR_ERRORS[errorName].code;
  }
}

/** Python SM's form, which admins know from SMlog and `xe` output. */
export function faultString(name: SrErrorName, opterr?: string): string {
  const d = SR_ERRORS[name].description;
  return opterr === undefined || opterr === '' ? d : `${d} [opterr=${opterr}]`;
}

export function srError(name: SrErrorName, opterr?: string): SrError {
  return new SrError(name, opterr);
}
