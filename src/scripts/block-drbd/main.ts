// /etc/xen/scripts/block-drbd: libxl's argv and environment in, an exit code out. The one boundary
// where anything thrown becomes a hotplug-error, a syslog line and a non-zero exit.
import { blockDrbdPage } from '../../help/block-drbd';
import { pageText } from '../../help/text';
import { Drbd } from '../../drbd/drbd';
import { Deadline } from '../../exec/deadline';
import { runCommand } from '../../exec/run';
import { FileLedger } from '../../hotplug/ledger';
import { claimLock } from '../../hotplug/lock';
import { HotplugLog } from '../../hotplug/log';
import { readDom0Mounts } from '../../hotplug/mounts';
import { hostPaths } from '../../hotplug/paths';
import { DEFAULT_POLICY, loadPolicy } from '../../policy/policy';
import { XenstoreClient, XenstoreUnavailable, type XenstorePort } from '../../xenstore/client';
import { fitWriteValue } from '../../xenstore/wire';
import { runAdd } from './add';
import { parseRequest, type HotplugRequest } from './contract';
import { failed, type Outcome } from '../../primary/ports';
import type { Ports } from './ports';
import { runRemove } from './remove';
import { startedFromSnapshot, startMain } from '../start';

const TAG = 'block-drbd';

async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const paths = hostPaths(env);
  const log = new HotplugLog(TAG, paths.hotplugLog);
  const parsed = parseRequest(argv, env);
  const loaded = loadPolicy(paths.policy);
  const policy = loaded.ok ? loaded.policy : DEFAULT_POLICY;
  // libxl's 40 s run from its fork: Node's own start counts against it (seconds, on a dom0 short of CPU).
  const deadline = new Deadline(policy.budgetSeconds * 1000 - process.uptime() * 1000);
  const backendPath = parsed.ok ? parsed.request.backendPath : parsed.backendPath;
  const action = parsed.ok ? parsed.request.action : TAG;
  let xs: XenstoreClient | undefined;

  // Every run ends here, once: a failure goes to xen-hotplug.log, stderr, hotplug-error and
  // hotplug-status (each write on its own: when xenstore is the problem, the logs still carry the
  // message), and syslog; the exit code follows.
  let reported: Promise<number> | undefined;
  const report = (outcome: Outcome): Promise<number> =>
    (reported ??= (async () => {
      if (!outcome.ok) {
        log.log('err', outcome.message);
        process.stderr.write(`${TAG}: ${outcome.message}\n`);
        if (xs !== undefined && backendPath !== undefined) {
          const key = `${backendPath}/hotplug-error`;
          const mark = ` … [cut to fit xenstore; the whole text is in syslog and ${paths.hotplugLog}]`;
          await writeOrLog(xs, key, fitWriteValue(key, outcome.message, mark), log);
          await writeOrLog(xs, `${backendPath}/hotplug-status`, outcome.status, log);
        }
      }
      xs?.close();
      await log.flushSyslog(runCommand, policy.logLevel);
      return outcome.ok ? 0 : 1;
    })());
  // The last net, not the way failures travel: a rejection nobody awaited is a bug, but it still
  // ends as a hotplug error and exit 1, never as a stack trace.
  process.on('unhandledRejection', (e) => {
    void report(failed(`${action} failed unexpectedly: ${errorText(e)}`)).then((code) => process.exit(code));
  });

  let outcome: Outcome;
  try {
    if (backendPath !== undefined) xs = await XenstoreClient.connect(env, deadline);
    if (!parsed.ok) {
      outcome = failed(parsed.error);
    } else if (!loaded.ok && parsed.request.action === 'add') {
      // Nothing is promoted on a misread policy.
      outcome = failed(`${loaded.error}; fix or remove it`);
    } else {
      // A remove runs on defaults rather than leave a resource Primary over a bad file.
      if (!loaded.ok) log.log('err', `${loaded.error}; this remove runs on the defaults`);
      const ports: Ports = {
        xs: xs as XenstoreClient,
        drbd: new Drbd(runCommand, deadline, { procDrbd: paths.procDrbd, drbdTools: paths.drbdTools }),
        ledger: new FileLedger(paths.ledgerDir),
        log,
        deadline,
        policy,
        lock: () => claimLock('block', paths.lockDir, deadline, runCommand),
        mounts: () => readDom0Mounts(paths.procMounts),
      };
      outcome = await dispatch(parsed.request, ports, log);
    }
  } catch (e) {
    outcome = failed(e instanceof XenstoreUnavailable ? `${action}: ${e.message}` : `${action} failed unexpectedly: ${errorText(e)}`);
  }
  return report(outcome);
}

async function writeOrLog(xs: XenstorePort, path: string, value: string, log: HotplugLog): Promise<void> {
  try {
    await xs.write(path, value);
  } catch (e) {
    const slash = path.lastIndexOf('/');
    log.log('err', `could not write ${path.slice(slash + 1)} to ${path.slice(0, slash)}: ${errorText(e)}`);
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function dispatch(req: HotplugRequest, ports: Ports, log: HotplugLog): Promise<Outcome> {
  log.log('debug', `${req.action} XENBUS_PATH=${req.backendPath}${startedFromSnapshot() ? ' (from its start-up snapshot)' : ''}`);
  return req.action === 'add' ? runAdd(req, ports) : runRemove(req, ports);
}

startMain(() => {
  // libxl never passes --help; an admin who does gets block-drbd(8) rather than a hotplug failure.
  const args = process.argv.slice(2);
  if (args[0] === '--help' || args[0] === '-h') {
    process.stdout.write(pageText(blockDrbdPage));
    return;
  }
  main(args, process.env).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${TAG}: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
});
