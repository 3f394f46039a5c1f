// libvirt's side of the hook contract: how a domain hook is called (libvirt's hooks page: `HOOK
// DOMAIN OPERATION SUB-OPERATION EXTRA`, the domain XML on stdin) and which of its calls move a
// DRBD role. Pure.

export type HookDriver = 'libxl' | 'qemu';

export interface HookCall {
  /** From where libvirt found the hook: /etc/libvirt/hooks/libxl or …/libxl.d/NAME. */
  readonly driver: HookDriver;
  readonly domain: string;
  readonly operation: string;
  readonly subOperation: string;
}

/**
 * - claim: `prepare begin`, before libvirt sets up a starting domain's resources: promote.
 * - expect-incoming: `migrate begin`, only on a live migration's destination, before its `prepare`
 *   (which then claims for the incoming migration, while the source still holds the resource).
 * - release: `release end`, after a stopped domain's resources are freed (on a migration's source
 *   too): demote.
 */
export type HookStep = 'claim' | 'expect-incoming' | 'release' | 'none';

export type HookCallResult = { readonly ok: true; readonly call: HookCall } | { readonly ok: false; readonly error: string };

const DRIVERS: ReadonlySet<string> = new Set(['libxl', 'qemu']);

/** `scriptPath`: argv[1] as the process got it (a symlink's own path, not its target). */
export function parseHookCall(scriptPath: string, args: readonly string[]): HookCallResult {
  const parts = scriptPath.split('/');
  const file = parts[parts.length - 1] ?? '';
  const dir = parts[parts.length - 2] ?? '';
  const driver = DRIVERS.has(file) ? file : dir.endsWith('.d') && DRIVERS.has(dir.slice(0, -2)) ? dir.slice(0, -2) : undefined;
  if (driver === undefined) {
    return {
      ok: false,
      error:
        `run as ${scriptPath}: libvirt runs this hook as /etc/libvirt/hooks/libxl or qemu, or from libxl.d/ or qemu.d/ there; ` +
        `the path names the driver`,
    };
  }
  const [domain, operation, subOperation] = args;
  if (domain === undefined || domain === '' || operation === undefined || subOperation === undefined) {
    return { ok: false, error: `expected DOMAIN OPERATION SUB-OPERATION EXTRA as libvirt passes them, got ${args.length} arguments` };
  }
  return { ok: true, call: { driver: driver as HookDriver, domain, operation, subOperation } };
}

export function hookStep(call: HookCall): HookStep {
  const at = `${call.operation} ${call.subOperation}`;
  if (at === 'prepare begin') return 'claim';
  if (at === 'migrate begin') return 'expect-incoming';
  if (at === 'release end') return 'release';
  return 'none';
}

const HOLDER_PREFIX = 'libvirt:';

/** Who a hook's promotion is for, as the ledger records it (block-drbd records a backend path). */
export function hookHolder(call: HookCall): string {
  return `${HOLDER_PREFIX}${call.driver}/${call.domain}`;
}

/** Whether a ledger holder is the hook's, not block-drbd's. */
export function isHookHolder(holder: string): boolean {
  return holder.startsWith(HOLDER_PREFIX);
}

/** The driver and domain a hook holder names; undefined for any other holder. */
export function hookHolderParts(holder: string): { driver: string; domain: string } | undefined {
  const m = /^([^/]+)\/(.*)$/.exec(isHookHolder(holder) ? holder.slice(HOLDER_PREFIX.length) : '');
  return m === null ? undefined : { driver: m[1] as string, domain: m[2] as string };
}
