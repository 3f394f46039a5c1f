// The XapiPort over XenAPI calls: what the driver reads from and writes to xapi's database. Only
// field reads and the map/DB calls SM drivers are allowed to make (docs/smapi.md §7).
import type { VdiView, VmView } from './guard-rails';
import type { IntroduceVdi, XapiPort } from './ports';
import type { StringMap } from './request';
import { XapiFailure, type XapiCall } from './xapi-rpc';
import { XmlRpcDateTime, isStruct, type XmlRpcValue } from './xmlrpc-value';

const NULL_REF = 'OpaqueRef:NULL';

export class Xapi implements XapiPort {
  constructor(private readonly call: XapiCall) {}

  async srVdis(srRef: string): Promise<VdiView[]> {
    const refs = strings(await this.call('SR.get_VDIs', srRef), 'SR.get_VDIs');
    return Promise.all(
      refs.map(async (ref) => ({
        ref,
        uuid: str(await this.call('VDI.get_uuid', ref), 'VDI.get_uuid'),
        smConfig: map(await this.call('VDI.get_sm_config', ref), 'VDI.get_sm_config'),
      })),
    );
  }

  async vmsOfVdi(vdiRef: string): Promise<VmView[]> {
    const vbds = strings(await this.call('VDI.get_VBDs', vdiRef), 'VDI.get_VBDs');
    const vmRefs = [...new Set(await Promise.all(vbds.map(async (vbd) => str(await this.call('VBD.get_VM', vbd), 'VBD.get_VM'))))];
    return Promise.all(
      vmRefs.map(async (ref) => {
        const ops = map(await this.call('VM.get_current_operations', ref), 'VM.get_current_operations');
        const resident = str(await this.call('VM.get_resident_on', ref), 'VM.get_resident_on');
        const scheduled = str(await this.call('VM.get_scheduled_to_be_resident_on', ref), 'VM.get_scheduled_to_be_resident_on');
        const dom0 = await this.call('VM.get_is_control_domain', ref);
        return {
          ref,
          uuid: str(await this.call('VM.get_uuid', ref), 'VM.get_uuid'),
          currentOperations: Object.values(ops),
          ...(resident === NULL_REF ? {} : { residentOn: resident }),
          ...(scheduled === NULL_REF ? {} : { scheduledToBeResidentOn: scheduled }),
          isControlDomain: dom0 === true,
        };
      }),
    );
  }

  async hostName(hostRef: string): Promise<string> {
    return str(await this.call('host.get_name_label', hostRef), 'host.get_name_label');
  }

  async srSmConfig(srRef: string): Promise<StringMap> {
    return map(await this.call('SR.get_sm_config', srRef), 'SR.get_sm_config');
  }

  addToSrSmConfig(srRef: string, key: string, value: string): Promise<'added' | 'taken'> {
    return testAndSet(this.call('SR.add_to_sm_config', srRef, key, value));
  }

  async removeFromSrSmConfig(srRef: string, key: string): Promise<void> {
    await this.call('SR.remove_from_sm_config', srRef, key);
  }

  async vdiSmConfig(vdiRef: string): Promise<StringMap> {
    return map(await this.call('VDI.get_sm_config', vdiRef), 'VDI.get_sm_config');
  }

  addToVdiSmConfig(vdiRef: string, key: string, value: string): Promise<'added' | 'taken'> {
    return testAndSet(this.call('VDI.add_to_sm_config', vdiRef, key, value));
  }

  async removeFromVdiSmConfig(vdiRef: string, key: string): Promise<void> {
    await this.call('VDI.remove_from_sm_config', vdiRef, key);
  }

  /** VDI.db_introduce's 19 positional parameters after the session (docs/smapi.md §7). */
  async dbIntroduce(srRef: string, v: IntroduceVdi): Promise<string> {
    const ref = await this.call(
      'VDI.db_introduce',
      v.uuid,
      v.nameLabel,
      v.nameDescription,
      srRef,
      v.type,
      false,
      v.readOnly,
      {},
      v.location,
      {},
      { ...v.smConfig },
      true,
      v.virtualSize.toString(),
      v.physicalUtilisation.toString(),
      NULL_REF,
      false,
      new XmlRpcDateTime('19700101T00:00:00Z'),
      NULL_REF,
      false,
    );
    return str(ref, 'VDI.db_introduce');
  }

  async dbForget(vdiRef: string): Promise<void> {
    await this.call('VDI.db_forget', vdiRef);
  }

  async setVdiSizes(vdiRef: string, s: { virtualSize: bigint; physicalUtilisation: bigint }): Promise<void> {
    await this.call('VDI.set_virtual_size', vdiRef, s.virtualSize.toString());
    await this.call('VDI.set_physical_utilisation', vdiRef, s.physicalUtilisation.toString());
  }

  async setSrSizes(srRef: string, s: { physicalSize: bigint; physicalUtilisation: bigint; virtualAllocation: bigint }): Promise<void> {
    await this.call('SR.set_physical_size', srRef, s.physicalSize.toString());
    await this.call('SR.set_physical_utilisation', srRef, s.physicalUtilisation.toString());
    await this.call('SR.set_virtual_allocation', srRef, s.virtualAllocation.toString());
  }
}

async function testAndSet(p: Promise<XmlRpcValue>): Promise<'added' | 'taken'> {
  try {
    await p;
    return 'added';
  } catch (e) {
    if (e instanceof XapiFailure && e.code === 'MAP_DUPLICATE_KEY') return 'taken';
    throw e;
  }
}

function str(v: XmlRpcValue, what: string): string {
  if (typeof v !== 'string') throw new XapiFailure(what, ['PROTOCOL', `expected a string, got ${JSON.stringify(v)}`]);
  return v;
}

function strings(v: XmlRpcValue, what: string): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new XapiFailure(what, ['PROTOCOL', 'expected a list of refs']);
  return v as string[];
}

function map(v: XmlRpcValue, what: string): Record<string, string> {
  if (!isStruct(v)) throw new XapiFailure(what, ['PROTOCOL', 'expected a map']);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
}
