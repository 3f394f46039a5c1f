// /etc/xen/xen-drbd.json: the admin's policy. Absent means defaults; a present but bad file is an
// error that names the file and the field, never a silent fallback.
import { readFileSync, readlinkSync } from 'node:fs';
import { entryUnderRoot, underRoot } from '../fs/inside-root';
import type { Level } from '../log/buffered-syslog';
import validate from './validate-policy.generated';

export type MigrationMode = 'runtime-dual-primary' | 'require-configured' | 'refuse';

export interface Policy {
  readonly migrationMode: MigrationMode;
  readonly budgetSeconds: number;
  readonly promotableWaitSeconds: number;
  readonly logLevel: Level;
}

export const DEFAULT_POLICY: Policy = {
  migrationMode: 'runtime-dual-primary',
  budgetSeconds: 30,
  promotableWaitSeconds: 22,
  logLevel: 'info',
};

export const POLICY_PATH = '/etc/xen/xen-drbd.json';

export type PolicyResult = { readonly ok: true; readonly policy: Policy } | { readonly ok: false; readonly error: string };

interface AjvError {
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** Pure: the file's text (undefined when there is none) → a policy or one clear error. */
export function parsePolicy(text: string | undefined, path: string): PolicyResult {
  if (text === undefined) return { ok: true, policy: DEFAULT_POLICY };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `${path}: not valid JSON: ${(e as Error).message}` };
  }
  if (!validate(data)) {
    const errors = ((validate as unknown as { errors: AjvError[] }).errors ?? []).map(describe);
    return { ok: false, error: `${path}: ${errors.join('; ')}` };
  }
  const policy = { ...DEFAULT_POLICY, ...(data as Partial<Policy>) };
  if (policy.promotableWaitSeconds > policy.budgetSeconds - 5) {
    return {
      ok: false,
      error: `${path}: promotableWaitSeconds (${policy.promotableWaitSeconds}) must leave 5 s of budgetSeconds (${policy.budgetSeconds}) for the promote and a rollback`,
    };
  }
  return { ok: true, policy };
}

function describe(e: AjvError): string {
  const where = e.instancePath === '' ? 'the top level' : e.instancePath.slice(1).replace(/\//g, '.');
  const extra = e.params?.additionalProperty ?? e.params?.allowedValues;
  return `${where} ${e.message ?? 'is invalid'}${extra === undefined ? '' : ` (${Array.isArray(extra) ? extra.join(', ') : String(extra)})`}`;
}

export function loadPolicy(path = POLICY_PATH): PolicyResult {
  return readPolicy(path, path, path);
}

/** The policy a host at `root` would load (`xen-drbd check --root`), named by its path there. */
export function loadPolicyUnder(root: string): PolicyResult {
  return readPolicy(underRoot(root, POLICY_PATH), entryUnderRoot(root, POLICY_PATH), POLICY_PATH);
}

/**
 * `file`: where to read the policy; `entry`: the directory entry itself (a link not followed);
 * `shown`: the name in messages. Only no entry at all means "defaults": a link to nothing is a
 * policy the admin meant to have (a `refuse` lost would quietly become runtime-dual-primary).
 */
function readPolicy(file: string, entry: string, shown: string): PolicyResult {
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') return { ok: false, error: `${shown}: cannot read: is a directory` };
    if (code !== 'ENOENT') return { ok: false, error: `${shown}: cannot read: ${(e as Error).message}` };
    const target = linkTarget(entry);
    if (target !== undefined) return { ok: false, error: `${shown}: a symbolic link to ${target}, which does not exist` };
  }
  return parsePolicy(text, shown);
}

function linkTarget(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined; // not a link, or nothing there
  }
}
