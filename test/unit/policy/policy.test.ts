import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { DEFAULT_POLICY, parsePolicy } from '../../../src/policy/policy';

const P = '/etc/xen/xen-drbd.json';

describe('parsePolicy', () => {
  it('gives the defaults when there is no file', () => {
    expect(parsePolicy(undefined, P)).toEqual({ ok: true, policy: DEFAULT_POLICY });
  });

  it('fills what the file leaves out with defaults', () => {
    expect(parsePolicy('{"migrationMode":"refuse","logLevel":"notice"}', P)).toEqual({
      ok: true,
      policy: { ...DEFAULT_POLICY, migrationMode: 'refuse', logLevel: 'notice' },
    });
  });

  it.each([
    [
      '{"migrationMode": "yolo"}',
      `${P}: migrationMode must be equal to one of the allowed values (runtime-dual-primary, require-configured, refuse)`,
    ],
    ['{"budgetSeconds": 60}', `${P}: budgetSeconds must be <= 38`],
    ['{"budgetSeconds": 12.5}', `${P}: budgetSeconds must be integer`],
    ['{"migrationmode": "refuse"}', `${P}: the top level must NOT have additional properties (migrationmode)`],
    ['[]', `${P}: the top level must be object`],
    [
      '{"budgetSeconds": 10, "promotableWaitSeconds": 8}',
      `${P}: promotableWaitSeconds (8) must leave 5 s of budgetSeconds (10) for the promote and a rollback`,
    ],
  ])('rejects %s with one clear line', (text, error) => {
    expect(parsePolicy(text, P)).toEqual({ ok: false, error });
  });

  it('names the JSON syntax error', () => {
    const r = parsePolicy('{"migrationMode": }', P);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/^\/etc\/xen\/xen-drbd.json: not valid JSON: Unexpected token/);
  });

  it('ships a validator generated from the current schema', () => {
    expect(() => execFileSync('node', [join(__dirname, '../../../scripts/gen-validators.cjs'), '--check'])).not.toThrow();
  });
});
