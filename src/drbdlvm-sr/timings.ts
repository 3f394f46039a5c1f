// DRBDLVM_TIMINGS=<file>, a test seam (src/test-seams.ts) for benchmarks (bench/lab-sr-latency.ts):
// the driver appends one line per child process and per XenAPI call it makes, so that a call's wall
// time splits into what it waited for and what it computed itself. Unset, as xapi runs the driver
// (PATH and ORIGINATOR only), the runner and the caller are used unwrapped.
// A line: `<kind>\t<what>\t<start ms>\t<duration ms>`, kind `child` (what: argv[0] and argv[1]) or
// `xapi` (what: the method). The start is on the process's own clock (ms since it started), so that
// overlapping spans (XenAPI calls made in parallel) can be merged rather than added up.
// The global `performance`, not node:perf_hooks: Node 18 cannot hold perf_hooks in a V8 start-up
// snapshot (src/startup-snapshot), and the global loads it only when a timing is taken.
import { appendFileSync } from 'node:fs';
import type { Runner } from '../exec/run';
import { testSeams } from '../test-seams';
import type { XapiCall } from './xapi-rpc';

export interface Timings {
  runner(run: Runner): Runner;
  xapi(call: XapiCall): XapiCall;
}

const off: Timings = { runner: (run) => run, xapi: (call) => call };

export function timingsFrom(env: NodeJS.ProcessEnv): Timings {
  const file = testSeams(env).timings;
  if (file === undefined) return off;
  const record = (kind: 'child' | 'xapi', what: string, start: number): void => {
    const ms = performance.now() - start;
    try {
      appendFileSync(file, `${kind}\t${what.replace(/[\t\n]/g, ' ')}\t${start.toFixed(3)}\t${ms.toFixed(3)}\n`);
    } catch {
      // A benchmark's lost line must never change the answer to xapi.
    }
  };
  return {
    runner: (run) => async (argv, options) => {
      const start = performance.now();
      try {
        return await run(argv, options);
      } finally {
        record('child', argv.slice(0, 2).join(' '), start);
      }
    },
    xapi:
      (call) =>
      async (method, ...params) => {
        const start = performance.now();
        try {
          return await call(method, ...params);
        } finally {
          record('xapi', method, start);
        }
      },
  };
}
