// /etc/xen/xen-drbd.json: the admin's policy. Absent means defaults; a present but bad file is an
// error that names the file and the field, never a silent fallback.
import { readFileSync } from 'node:fs';
import validate from './validate-policy.generated';

export type MigrationMode = 'runtime-dual-primary' | 'require-configured' | 'refuse';
export type LogLevelName = 'debug' | 'info' | 'notice' | 'warning' | 'err';

export interface Policy {
  readonly migrationMode: MigrationMode;
  readonly budgetSeconds: number;
  readonly promotableWaitSeconds: number;
  readonly logLevel: LogLevelName;
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
  let text: string | undefined;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      return { ok: false, error: `${path}: cannot read: ${(e as Error).message}` };
    }
  }
  return parsePolicy(text, path);
}
