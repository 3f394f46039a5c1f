// `npm run test:lab`: every lab scenario file under jest (labs shared between files, see
// lib/shared-lab.ts), then a summary and a timing table: per file how it got its lab (boot or
// reset), the set-up and the body, and the total against CI's budget. LAB_SHARDS=N (default 1)
// runs the files in N shards at once, each a jest process with labs of its own (lib/shards.ts);
// their output lines are prefixed with the shard. A file whose failures are all
// lab-infrastructure failures (a host did not boot, qemu died, the dom0 agent stayed
// unreachable) is run once more in a fresh lab, and the summary says so; a failed assertion is
// never retried. Extra arguments are passed to jest (e.g. a file pattern).
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { isInfrastructureFailure } from './lib/infra';
import { timingTable } from './lib/report';
import type { ScenarioResult } from './lib/scenario';
import { planShards } from './lib/shards';

const LAB_DIR = __dirname;
const REPO = path.resolve(LAB_DIR, '..', '..');
const JEST = path.join(REPO, 'node_modules', 'jest', 'bin', 'jest.js');
const CONFIG = path.join(LAB_DIR, 'jest.config.cjs');
const { kindsOf } = createRequire(__filename)('./scenario-kinds.cjs') as {
  kindsOf: (file: string) => { drbd9: boolean; hostC: boolean; sr: boolean };
};

interface FileResult {
  name: string;
  status: 'passed' | 'failed';
  ms: number;
  messages: string[];
}

/** One jest process over `args`; with a shard number its output lines say which shard they are from. */
function runJest(args: string[], out: string, results: string, shard?: number): Promise<FileResult[]> {
  const child = spawn(process.execPath, [JEST, '-c', CONFIG, '--runInBand', '--ci', '--json', '--outputFile', out, ...args], {
    stdio: shard === undefined ? 'inherit' : ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      LAB_SCRIPT: process.env.LAB_SCRIPT || 'dist',
      LAB_RESULTS: results,
      ...(shard === undefined ? {} : { LAB_SHARD: String(shard) }),
    },
  });
  for (const [stream, sink] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ] as const) {
    if (stream) readline.createInterface({ input: stream }).on('line', (l) => sink.write(`[shard ${shard}] ${l}\n`));
  }
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', () => {
      if (!fs.existsSync(out)) return reject(new Error(`jest wrote no results to ${out}`));
      resolve(readReport(out));
    });
  });
}

function readReport(out: string): FileResult[] {
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

/** The files jest would run for `args`, split into `n` shards (each a --runTestsByPath list). */
function shardArgs(args: string[], n: number): string[][] {
  const listed = spawnSync(process.execPath, [JEST, '-c', CONFIG, '--listTests', '--json', ...args], { encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`jest --listTests failed: ${listed.stderr}`);
  const files = (JSON.parse(listed.stdout) as string[]).sort();
  const kind = (f: string) => {
    const k = kindsOf(f);
    return `drbd${k.drbd9 ? 9 : 8.4}${k.hostC ? '+C' : ''}${k.sr ? '+SR' : ''}`;
  };
  return planShards(
    files.map((f) => ({ path: f, labKind: kind(f) })),
    n,
  ).map((paths) => ['--runTestsByPath', ...paths]);
}

async function main(): Promise<number> {
  const dir = fs.mkdtempSync('/tmp/xen-drbd-lab-suite-');
  const args = process.argv.slice(2);
  const results = path.join(dir, 'results.jsonl');
  const started = Date.now();
  const shards = Number(process.env.LAB_SHARDS || 1);
  const first =
    shards === 1
      ? await runJest(args, path.join(dir, 'first.json'), results)
      : (
          await Promise.all(shardArgs(args, shards).map((a, i) => runJest(a, path.join(dir, `first-${i + 1}.json`), results, i + 1)))
        ).flat();
  const retry = first.filter((f) => f.status === 'failed' && isInfrastructureFailure(f.messages));
  const second = retry.length
    ? await runJest([...retry.map((f) => f.name.replace(/\.test\.ts$/, ''))], path.join(dir, 'retry.json'), results)
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

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
