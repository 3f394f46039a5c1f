// /etc/xen/scripts/block-drbd: libxl's argv and environment in, an exit code out. The one boundary
// where anything thrown becomes a hotplug-error, a syslog line and a non-zero exit.
import { hostname } from 'node:os';
import { Drbd } from '../../drbd/drbd';
import { Deadline } from '../../exec/deadline';
import { runCommand } from '../../exec/run';
import { FileLedger } from '../../hotplug/ledger';
import { claimLock } from '../../hotplug/lock';
import { CollectingLog } from '../../hotplug/log';
import { readDom0Mounts } from '../../hotplug/mounts';
import { hostPaths } from '../../hotplug/paths';
import { XenstoreClient } from '../../xenstore/client';
import { runAdd } from './add';
import { BUDGET_MS, parseRequest } from './contract';
import { failed, type Outcome } from './ports';
import { runRemove } from './remove';

const TAG = 'block-drbd';

async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const deadline = new Deadline(BUDGET_MS);
  const paths = hostPaths(env);
  const log = new CollectingLog();
  const parsed = parseRequest(argv, env);
  let xs: XenstoreClient | undefined;
  let outcome: Outcome;
  const backendPath = parsed.ok ? parsed.request.backendPath : parsed.backendPath;
  try {
    if (!parsed.ok) {
      outcome = failed(parsed.error);
      if (backendPath !== undefined) xs = await XenstoreClient.connect(env);
    } else {
      xs = await XenstoreClient.connect(env);
      const req = parsed.request;
      log.log('debug', `${req.action} XENBUS_PATH=${req.backendPath}`);
      const ports = {
        xs,
        drbd: new Drbd(runCommand, deadline, paths.procDrbd),
        ledger: new FileLedger(paths.ledgerDir),
        log,
        deadline,
        lock: () => claimLock('block', paths.lockDir, deadline, runCommand),
        mounts: () => readDom0Mounts(paths.procMounts),
        hostname: hostname(),
      };
      outcome = req.action === 'add' ? await runAdd(req, ports) : await runRemove(req, ports);
    }
  } catch (e) {
    outcome = failed(`${parsed.ok ? parsed.request.action : 'block-drbd'} failed unexpectedly: ${(e as Error).message}`);
  }

  if (!outcome.ok) {
    log.log('err', outcome.message);
    process.stderr.write(`${TAG}: ${outcome.message}\n`);
    if (xs !== undefined && backendPath !== undefined) {
      try {
        await xs.write(`${backendPath}/hotplug-error`, outcome.message);
        await xs.write(`${backendPath}/hotplug-status`, outcome.status);
      } catch (e) {
        log.log('err', `could not write hotplug-error to ${backendPath}: ${(e as Error).message}`);
      }
    }
  }
  xs?.close();
  await log.flush({ tag: TAG, hotplugLogPath: paths.hotplugLog, run: runCommand });
  return outcome.ok ? 0 : 1;
}

main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${TAG}: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
