// /opt/xensource/sm/DrbdlvmSR: xapi runs it with the XML-RPC methodCall as argv[1] and reads the
// methodResponse from stdout (docs/smapi.md §1). This file only wires the real ports; the contract
// lives in src/drbdlvm-sr/boundary.ts. Exit status is 0 even for faults: that is the contract.
import { Drbd } from '../../drbd/drbd';
import { Deadline, systemClock } from '../../exec/deadline';
import { runCommand } from '../../exec/run';
import { Lvm } from '../../lvm/lvm';
import { blkback } from '../../drbdlvm-sr/backends/blkback';
import { Tapdisk } from '../../drbdlvm-sr/backends/tapdisk';
import { answer } from '../../drbdlvm-sr/boundary';
import type { HandlerContext } from '../../drbdlvm-sr/context';
import { SmLog } from '../../drbdlvm-sr/log';
import { smPaths } from '../../drbdlvm-sr/paths';
import type { Ports } from '../../drbdlvm-sr/ports';
import { takeSrLock } from '../../drbdlvm-sr/sr-lock';
import { timingsFrom } from '../../drbdlvm-sr/timings';
import { Xapi } from '../../drbdlvm-sr/xapi';
import { xapiCaller } from '../../drbdlvm-sr/xapi-rpc';
import { encodeFault } from '../../drbdlvm-sr/xmlrpc-encode';
import { startMain } from '../start';

// xapi sets no timeout (a hung driver hangs the operation); ours bounds every DRBD wait.
const BUDGET_MS = 10 * 60_000;

async function main(args: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  const paths = smPaths(env);
  const log = new SmLog();
  let ports: Ports | undefined;
  const timings = timingsFrom(env);
  const run = timings.runner(runCommand);
  const tapdisk = new Tapdisk(run, paths.backendDir);
  const ctx: HandlerContext = {
    ports: (): Ports =>
      (ports ??= {
        drbd: new Drbd(run, new Deadline(BUDGET_MS), { procDrbd: paths.procDrbd, drbdTools: paths.drbdTools }),
        lvm: new Lvm(run),
        backend: (kind) => (kind === 'blkback' ? blkback : tapdisk),
        log,
        clock: systemClock,
      }),
    xapi: (req) =>
      new Xapi(
        timings.xapi(
          xapiCaller(req.sessionRef ?? '', {
            socketPath: paths.xapiSocket,
            ...(req.subtaskOf === undefined ? {} : { subtaskOf: req.subtaskOf }),
          }),
        ),
      ),
    srLock: (srUuid) => takeSrLock(paths.lockDir, srUuid, run),
  };
  const a = await answer(args, ctx);
  if (a.fault !== undefined) log.log('err', `${a.command ?? '(undecoded request)'} failed: code ${a.fault.code}: ${a.fault.message}`);
  await log.flush(run);
  return a.stdout;
}

let emitted = false;
/** One methodResponse per run, whichever of the answer and the last resort comes first. */
function emit(text: string): void {
  if (emitted) return;
  emitted = true;
  process.stdout.write(text, () => process.exit(0));
}

// answer() catches everything; this is the last resort if building the fault itself failed, or if a
// promise was rejected with nobody awaiting it (a bug, but xapi still gets a fault, not a dead driver).
function lastResort(e: unknown): void {
  // [&<>] become spaces, as they always have here; the encoder escapes what else XML forbids.
  const msg = String((e as Error)?.message ?? e).replace(/[&<>]/g, ' ');
  emit(encodeFault({ faultCode: 1200, faultString: msg }));
}

startMain(() => {
  process.on('unhandledRejection', lastResort);
  main(process.argv.slice(2), process.env).then(emit, lastResort);
});
