// Runs a built executable from dist/ synchronously, as an admin would from a shell: the test
// runner's environment without NODE_EXTRA_CA_CERTS (it adds ~50 ms to every Node 20 start).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..');

export interface BuiltRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** dist/NAME, which must have been built. */
export function builtPath(name: string): string {
  const bin = join(REPO_ROOT, 'dist', name);
  if (!existsSync(bin)) throw new Error(`${bin} is missing: build it first with \`npm run build\``);
  return bin;
}

/** The test runner's environment for a built executable, with `extraEnv` on top. */
export function builtEnv(extraEnv: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

export function runBuilt(
  name: string,
  args: readonly string[],
  extraEnv: NodeJS.ProcessEnv = {},
  timeoutMs = 30_000,
  input = '',
): BuiltRun {
  const bin = builtPath(name);
  const env = builtEnv(extraEnv);
  // maxBuffer: a config's output can be tens of MB (a 20 MB string is valid xl).
  const r = spawnSync(bin, args, { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: timeoutMs, input, maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
