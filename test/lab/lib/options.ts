// Runner options shared by the demo and the scenarios.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { REPO_ROOT, LAB_DIR, CACHE_DIR, type ScriptChoice } from './lab';

/**
 * Which block-drbd the dom0s run: `--script=dist|debian` on the command line, else the
 * LAB_SCRIPT environment variable, else dist/block-drbd when it exists, else Debian's.
 */
export function scriptChoice(argv: string[] = process.argv): ScriptChoice {
  const arg = argv.find((a) => a.startsWith('--script='));
  const v = arg ? arg.slice('--script='.length) : process.env.LAB_SCRIPT;
  if (v === 'dist' || v === 'debian') return v;
  if (v) throw new Error(`unknown block-drbd choice "${v}" (want dist or debian)`);
  return fs.existsSync(path.join(REPO_ROOT, 'dist', 'block-drbd')) ? 'dist' : 'debian';
}

/** Runs test/lab/build.sh (incremental; seconds with a warm cache) unless LAB_SKIP_BUILD=1. */
export function ensureLabBuilt(log: (l: string) => void): void {
  if (process.env.LAB_SKIP_BUILD === '1' && fs.existsSync(path.join(CACHE_DIR, 'manifest.env'))) return;
  const r = spawnSync('bash', [path.join(LAB_DIR, 'build.sh')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: 30 * 60_000,
  });
  for (const l of `${r.stdout}${r.stderr}`.split('\n').filter(Boolean)) log(l);
  if (r.status !== 0) throw new Error(`test/lab/build.sh failed (rc=${r.status})`);
}
