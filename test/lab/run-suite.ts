// `npm run test:lab`: every lab scenario file under jest (labs shared between files, see
// lib/shared-lab.ts), then a summary and a timing table: per file how it got its lab (boot or
// reset), the set-up and the body, and the total against CI's budget. A file whose failures are
// all lab-infrastructure failures (a host did not boot, qemu died, the dom0 agent stayed
// unreachable) is run once more in a fresh lab, and the summary says so; a failed assertion is
// never retried. Extra arguments are passed to jest (e.g. a file pattern).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isInfrastructureFailure } from './lib/infra';
import { timingTable } from './lib/report';
import type { ScenarioResult } from './lib/scenario';

const LAB_DIR = __dirname;
const REPO = path.resolve(LAB_DIR, '..', '..');

interface FileResult {
  name: string;
  status: 'passed' | 'failed';
  ms: number;
  messages: string[];
}

function runJest(args: string[], out: string, results: string, installCache: string): FileResult[] {
  spawnSync(
    process.execPath,
    [
      path.join(REPO, 'node_modules', 'jest', 'bin', 'jest.js'),
      '-c',
      path.join(LAB_DIR, 'jest.config.cjs'),
      '--runInBand',
      '--ci',
      '--json',
      '--outputFile',
      out,
      ...args,
    ],
    {
      stdio: 'inherit',
      env: { ...process.env, LAB_SCRIPT: process.env.LAB_SCRIPT || 'dist', LAB_RESULTS: results, LAB_INSTALL_CACHE: installCache },
    },
  );
  if (!fs.existsSync(out)) throw new Error(`jest wrote no results to ${out}`);
  const report = JSON.parse(fs.readFileSync(out, 'utf8')) as {
    testResults: {
      name: string;
      status: string;
      startTime: number;
      endTime: number;
      message: string;
      assertionResults: { failureMessages: string[] }[];
    }[];
  };
  return report.testResults.map((t) => ({
    name: path.basename(t.name),
    status: t.status === 'passed' ? 'passed' : 'failed',
    ms: t.endTime - t.startTime,
    messages: [t.message, ...t.assertionResults.flatMap((a) => a.failureMessages)].filter(Boolean),
  }));
}

function main(): number {
  const dir = fs.mkdtempSync('/tmp/xen-drbd-lab-suite-');
  const args = process.argv.slice(2);
  const results = path.join(dir, 'results.jsonl');
  // The run's first boot installs the package with dpkg -i; the others restore what it left (lib/install-cache.ts).
  const installCache = path.join(dir, 'install-cache');
  const started = Date.now();
  const first = runJest(args, path.join(dir, 'first.json'), results, installCache);
  const retry = first.filter((f) => f.status === 'failed' && isInfrastructureFailure(f.messages));
  const second = retry.length
    ? runJest([...retry.map((f) => f.name.replace(/\.test\.ts$/, ''))], path.join(dir, 'retry.json'), results, installCache)
    : [];
  const rows = first.map((f) => {
    const again = second.find((s) => s.name === f.name);
    const final = again ?? f;
    const note = again
      ? ` (lab failure on the first run, ${again.status} on the retry: ${f.messages[0]?.split('\n')[0]?.slice(0, 120)})`
      : '';
    return {
      name: f.name,
      status: final.status,
      line: `${final.status === 'passed' ? 'PASS' : 'FAIL'}  ${f.name.padEnd(44)} ${(final.ms / 1000).toFixed(0).padStart(5)} s${note}`,
    };
  });
  const failed = rows.filter((r) => r.status === 'failed').length;
  const scenarios = fs.existsSync(results)
    ? fs
        .readFileSync(results, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as ScenarioResult)
    : [];
  console.log(`\n${timingTable(scenarios, (Date.now() - started) / 1000)}`);
  console.log(`\nlab suite: ${rows.length} scenario files`);
  for (const r of rows) console.log(`  ${r.line}`);
  console.log(`${rows.length - failed} passed, ${failed} failed`);
  return failed === 0 && rows.length > 0 ? 0 : 1;
}

process.exit(main());
