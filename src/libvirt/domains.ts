// The running domains of each libvirt connection and their block disks, read through the binding.
// Every call is bounded: a libvirtd that does not answer costs the caller `timeoutMs` per
// connection, then that connection reads as unread, with the reason.
import type { LibvirtBinding } from './binding';
import { driverAbsent } from './connections';
import { parseDomainXml, type DomainDisks } from './domain-xml';

export type LibvirtReading =
  | { readonly uri: string; readonly read: true; readonly domains: readonly DomainDisks[] }
  /** The daemon runs without this driver: nothing to read, and nothing missed. */
  | { readonly uri: string; readonly read: false; readonly absent: true }
  | { readonly uri: string; readonly read: false; readonly absent: false; readonly why: string };

export async function readLibvirt(binding: LibvirtBinding, uri: string, timeoutMs: number): Promise<LibvirtReading> {
  const hv = new binding.Hypervisor({ uri });
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`libvirt did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  const within = <T>(p: Promise<T>): Promise<T> => Promise.race([p, expired]);
  try {
    await within(hv.connectOpen());
  } catch (e) {
    clearTimeout(timer);
    const why = (e as Error).message;
    return driverAbsent(why) ? { uri, read: false, absent: true } : { uri, read: false, absent: false, why };
  }
  try {
    const domains: DomainDisks[] = [];
    for (const d of await within(hv.connectListAllDomains(binding.ConnectListAllDomainsFlags.ACTIVE))) {
      domains.push(await parseDomainXml(await within(hv.domainGetXMLDesc(d))));
    }
    return { uri, read: true, domains };
  } catch (e) {
    return { uri, read: false, absent: false, why: (e as Error).message };
  } finally {
    clearTimeout(timer);
    // A close that hangs is not waited for: what was read stands.
    void within(hv.connectClose()).catch(() => undefined);
  }
}
