// Progress lines while the lab runs and a summary table at the end.

export type StepStatus = 'ok' | 'FAIL' | 'skip' | 'info';

export interface StepRecord {
  name: string;
  status: StepStatus;
  ms: number;
  detail: string;
}

export class Reporter {
  readonly steps: StepRecord[] = [];
  private readonly t0 = Date.now();

  constructor(
    private readonly title: string,
    private readonly out: (line: string) => void = (l) => process.stdout.write(l + '\n'),
  ) {}

  elapsed(): string {
    return ((Date.now() - this.t0) / 1000).toFixed(1).padStart(6) + 's';
  }

  log(line: string): void {
    this.out(`[${this.elapsed()}] ${line}`);
  }

  /** Runs fn as a named step: prints the start and the outcome, records the duration. */
  async step<T>(name: string, fn: () => Promise<T>, detail?: (v: T) => string): Promise<T> {
    const started = Date.now();
    this.log(`▶ ${name}`);
    try {
      const v = await fn();
      const rec: StepRecord = { name, status: 'ok', ms: Date.now() - started, detail: detail ? detail(v) : '' };
      this.steps.push(rec);
      this.log(`✔ ${name} (${(rec.ms / 1000).toFixed(1)} s)${rec.detail ? ' — ' + rec.detail : ''}`);
      return v;
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      const rec: StepRecord = { name, status: 'FAIL', ms: Date.now() - started, detail: firstLine(msg) };
      this.steps.push(rec);
      this.log(`✘ ${name} (${(rec.ms / 1000).toFixed(1)} s) — ${msg}`);
      throw e;
    }
  }

  record(name: string, status: StepStatus, detail = '', ms = 0): void {
    this.steps.push({ name, status, ms, detail });
    this.log(`${status === 'ok' ? '✔' : status === 'FAIL' ? '✘' : '·'} ${name}${detail ? ' — ' + detail : ''}`);
  }

  failed(): boolean {
    return this.steps.some((s) => s.status === 'FAIL');
  }

  summary(extra: Record<string, string> = {}): string {
    const rows = this.steps.map((s) => [s.status, s.name, s.ms ? (s.ms / 1000).toFixed(1) + ' s' : '', s.detail]);
    return formatTable(this.title, ['result', 'step', 'time', 'detail'], rows, extra, (Date.now() - this.t0) / 1000);
  }
}

function firstLine(s: string): string {
  const l = s.split('\n')[0] ?? '';
  return l.length > 140 ? l.slice(0, 137) + '...' : l;
}

export function formatTable(
  title: string,
  head: string[],
  rows: string[][],
  extra: Record<string, string> = {},
  totalSeconds?: number,
): string {
  const widths = head.map((h, i) => Math.min(90, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => (c ?? '').slice(0, widths[i]).padEnd(widths[i] ?? 0)).join(' | ') + ' |';
  const sep = '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|';
  const out = [`\n== ${title} ==`, line(head), sep, ...rows.map(line)];
  for (const [k, v] of Object.entries(extra)) out.push(`${k}: ${v}`);
  if (totalSeconds !== undefined) out.push(`total: ${totalSeconds.toFixed(1)} s`);
  return out.join('\n');
}

/** CI's budget for the lab suite and everything else .ci/run does (of CI's 90 minutes). */
export const CI_BUDGET_MIN = 75;

/**
 * The suite's timing table (Markdown, as test/lab/README.md keeps it): per scenario file how it
 * got its lab, the set-up of its resources and its body; then the wall-clock total against the budget.
 */
export function timingTable(
  results: readonly { scenario: string; lab: string; labSeconds: number; setupSeconds: number; bodySeconds: number; seconds: number }[],
  wallSeconds: number,
): string {
  const s = (x: number) => x.toFixed(0);
  const rows = results.map(
    (r) => `| ${r.scenario} | ${r.lab} | ${s(r.labSeconds)} | ${s(r.setupSeconds)} | ${s(r.bodySeconds)} | ${s(r.seconds)} |`,
  );
  const boots = results.filter((r) => r.lab === 'boot').length;
  const sum = (f: (r: (typeof results)[number]) => number) => results.reduce((a, r) => a + f(r), 0);
  return [
    '| scenario | lab | boot or reset s | set-up s | body s | total s |',
    '|---|---|---|---|---|---|',
    ...rows,
    `| ${results.length} files | ${boots} boots | ${s(sum((r) => r.labSeconds))} | ${s(sum((r) => r.setupSeconds))} | ${s(sum((r) => r.bodySeconds))} | ${s(sum((r) => r.seconds))} |`,
    '',
    `suite ${(wallSeconds / 60).toFixed(1)} of ${CI_BUDGET_MIN} min (CI's budget for all of .ci/run)`,
  ].join('\n');
}
