// Runs the lab scenarios once per block-drbd (Debian's bash script and dist/block-drbd) and
// prints a comparison table. Usage:
//   npx tsx test/lab/compare.ts [--scripts=debian,dist] [jest test-name patterns...]
// Each run: LAB_SCRIPT=<script> jest -c test/lab/jest.config.cjs --runInBand --json.
// Scenario notes (messages, roles, timings) come from the results file the scenarios append to.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './lib/lab';
import { formatTable } from './lib/report';

interface JestJson {
  testResults: { name: string; status: string; assertionResults: { title: string; status: string; failureMessages: string[] }[] }[];
}

/** "expected X, got Y" from a jest failure message (ANSI colours stripped). */
function failureSummary(msg: string): string {
  const lines = msg
    // eslint-disable-next-line no-control-regex -- ESC starts the ANSI colour codes it strips
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .map((l) => l.trim());
  const exp = lines.find((l) => l.startsWith('Expected'));
  const rec = lines.find((l) => l.startsWith('Received'));
  if (exp || rec) return [exp, rec].filter(Boolean).join(', ');
  return lines.find((l) => /Error|timeout/i.test(l)) ?? lines[0] ?? '';
}

function main(): number {
  const argScripts = process.argv.find((a) => a.startsWith('--scripts='));
  const scripts = (argScripts ? argScripts.slice('--scripts='.length) : 'debian,dist').split(',');
  const patterns = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const outDir = fs.mkdtempSync('/tmp/xen-drbd-lab/compare-');
  const results = path.join(outDir, 'results.jsonl');
  const byScenario = new Map<string, Record<string, string>>();
  for (const script of scripts) {
    const json = path.join(outDir, `jest-${script}.json`);
    console.log(`\n### scenarios with block-drbd=${script} (jest output follows)\n`);
    spawnSync('npx', ['jest', '-c', 'test/lab/jest.config.cjs', '--runInBand', '--json', `--outputFile=${json}`, ...patterns], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
      env: { ...process.env, LAB_SCRIPT: script, LAB_RESULTS: results },
    });
    if (!fs.existsSync(json)) continue;
    const j = JSON.parse(fs.readFileSync(json, 'utf8')) as JestJson;
    for (const file of j.testResults) {
      const scenario = path.basename(file.name).replace(/\.test\.ts$/, '');
      const passed = file.assertionResults.filter((a) => a.status === 'passed').length;
      const total = file.assertionResults.length;
      const firstFail = file.assertionResults.find((a) => a.status !== 'passed');
      const why = firstFail ? failureSummary(firstFail.failureMessages[0] ?? file.status) : '';
      const row = byScenario.get(scenario) ?? {};
      row[script] =
        total === 0
          ? `ERROR ${file.status}`
          : `${passed === total ? 'PASS' : 'FAIL'} ${passed}/${total}${why ? ' — ' + why.slice(0, 80) : ''}`;
      byScenario.set(scenario, row);
    }
  }
  const notes = fs.existsSync(results)
    ? fs
        .readFileSync(results, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { scenario: string; script: string; seconds: number; notes: Record<string, string> })
    : [];
  const rows = [...byScenario.entries()].sort().map(([s, r]) => [s, ...scripts.map((x) => r[x] ?? '-')]);
  console.log(formatTable('block-drbd comparison', ['scenario', ...scripts], rows));
  console.log('\nnotes per run:');
  for (const n of notes) console.log(`  ${n.scenario} [${n.script}] ${n.seconds}s ${JSON.stringify(n.notes)}`);
  console.log(`\nraw: ${outDir}`);
  return 0;
}

process.exit(main());
