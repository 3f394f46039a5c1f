import { SR_ERRORS, SrError, faultString, srError } from '../../../src/drbdlvm-sr/errors';

// Shipped codes never change: admins search for SR_BACKEND_FAILURE_<code>, and xapi gives 16, 24,
// 38, 39 and 144 their own meaning. Adding a name is fine; changing a line here is not.
const PINNED: Record<string, number> = {
  InvalidArg: 1,
  SRInUse: 16,
  VDIInUse: 24,
  LockErr: 37,
  Unimplemented: 38,
  SRNotEmpty: 39,
  SRScan: 40,
  SRExists: 42,
  VDIExists: 43,
  SRNoSpace: 44,
  VDIUnavailable: 46,
  SRUnavailable: 47,
  SRBadXML: 49,
  LVMCreate: 50,
  LVMDelete: 51,
  LVMMount: 52,
  LVMUnMount: 53,
  LVMMaster: 58,
  LVMResize: 59,
  VDIType: 66,
  VDICreate: 78,
  VDISize: 79,
  VDIDelete: 80,
  ConfigDeviceMissing: 90,
  ConfigDeviceInvalid: 91,
  VDIResize: 110,
  ConfigParamsMissing: 115,
  BadRequest: 143,
  VDIMissing: 144,
  APISession: 150,
  SMGeneral: 202,
  TapdiskFailed: 453,
  GenericException: 1200,
  DrbdResourceMissing: 5100,
  DrbdNotConnected: 5101,
  DrbdPeerNotUpToDate: 5102,
  DrbdStandAlone: 5103,
  DrbdLocalNotUpToDate: 5104,
  DrbdPromoteFailed: 5105,
  ActiveOnOtherHost: 5106,
  ActivationLocked: 5107,
  VgMissing: 5108,
  DrbdDemoteFailed: 5110,
};

describe('the SR error catalogue', () => {
  it('pins every name to its code', () => {
    const actual = Object.fromEntries(Object.entries(SR_ERRORS).map(([name, e]) => [name, e.code]));
    expect(actual).toEqual(PINNED);
  });

  it('has no code twice and a description for each', () => {
    const codes = Object.values(SR_ERRORS).map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const e of Object.values(SR_ERRORS)) expect(e.description.length).toBeGreaterThan(5);
  });

  it("keeps our own codes in 5100+, clear of xapi's and XCP-ng's 5000-5011", () => {
    const ours = Object.entries(SR_ERRORS).filter(([, e]) => e.code >= 5000);
    expect(ours.length).toBeGreaterThan(0);
    for (const [, e] of ours) expect(e.code).toBeGreaterThanOrEqual(5100);
  });

  it("prints faultString in Python SM's form", () => {
    expect(faultString('VDIUnavailable', 'VDI active on another host')).toBe(
      'The VDI is not available [opterr=VDI active on another host]',
    );
    expect(faultString('SRNotEmpty')).toBe('The SR is not empty');
    const e = srError('ActiveOnOtherHost', 'x');
    expect(e).toBeInstanceOf(SrError);
    expect([e.code, e.errorName, e.message]).toEqual([5106, 'ActiveOnOtherHost', `${SR_ERRORS.ActiveOnOtherHost.description} [opterr=x]`]);
  });
});
