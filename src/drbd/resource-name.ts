// The one rule for a DRBD resource name that reaches drbdadm's or drbdsetup's argv. Every edge that
// takes a name from outside (block-drbd's params, the SR's device-config:resource, the resources
// drbdadm lists for xen-drbd) checks it here, and the argv builders check again.
import type { ResourceName } from './types';

// The portable subset of drbd.conf words, and nothing that could be read as an option ('-'), a path
// or volume ('/'), a connection ('res:peer') or a hidden file ('.').
const SHAPE = /^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,63}$/;

/**
 * Names the tools read as something other than one resource (drbd-utils: drbdadm_main.c and
 * drbdsetup.c compare the argument with "all"; drbdadm's ctx_by_minor takes any "minor-" argument
 * no resource is called; drbdsetup's dt_minor_of_dev reads digits only as a minor, and 8.4's
 * `show`, `primary` and `secondary` accept a minor).
 */
const KEYWORDS: ReadonlyArray<readonly [(name: string) => boolean, string]> = [
  [(n) => n === 'all', "'all' means every resource to drbdadm and drbdsetup, not one resource"],
  [(n) => n.startsWith('minor-'), "drbdadm reads a name starting with 'minor-' as a device minor (minor-N), not a resource"],
  [(n) => /^[0-9]+$/.test(n), 'drbdsetup reads a name of digits only as a device minor, not a resource'],
];

export const NAME_SHAPE_RULE = 'a DRBD resource name is 1-64 letters, digits, _ . + - and must not start with - or .';

export type NameCheck = { readonly ok: true; readonly name: ResourceName } | { readonly ok: false; readonly rule: string };

export function checkResourceName(name: string): NameCheck {
  if (!SHAPE.test(name)) return { ok: false, rule: NAME_SHAPE_RULE };
  const keyword = KEYWORDS.find(([matches]) => matches(name));
  return keyword === undefined ? { ok: true, name: name as ResourceName } : { ok: false, rule: keyword[1] };
}

/** A name that got past every edge and still breaks the rule is a bug: nothing may run on it. */
export class UnsafeResourceName extends Error {
  override readonly name = 'UnsafeResourceName';
  constructor(
    readonly resource: string,
    readonly rule: string,
  ) {
    super(`refusing to run a DRBD command on '${resource}': ${rule}`);
  }
}

export function requireResourceName(name: string): ResourceName {
  const checked = checkResourceName(name);
  if (!checked.ok) throw new UnsafeResourceName(name, checked.rule);
  return checked.name;
}
