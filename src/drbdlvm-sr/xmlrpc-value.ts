// XML-RPC values as the SM wire uses them. xapi sends only strings, arrays and structs; responses
// add nil, boolean and int (fault codes). dateTime appears in XenAPI calls (VDI.db_introduce).

export type XmlRpcValue = string | number | boolean | null | XmlRpcDateTime | readonly XmlRpcValue[] | XmlRpcStruct;

export interface XmlRpcStruct {
  readonly [member: string]: XmlRpcValue;
}

/** `<dateTime.iso8601>`: kept as the text on the wire (xapi's form is 19700101T00:00:00Z). */
export class XmlRpcDateTime {
  constructor(readonly iso: string) {}
}

export function isStruct(v: XmlRpcValue | undefined): v is XmlRpcStruct {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof XmlRpcDateTime);
}

export function isArray(v: XmlRpcValue | undefined): v is readonly XmlRpcValue[] {
  return Array.isArray(v);
}

/** A decoded `<fault>`: faultCode and faultString, as SM prints them. */
export interface XmlRpcFault {
  readonly faultCode: number;
  readonly faultString: string;
}
