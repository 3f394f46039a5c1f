// /etc/libvirt/hooks/{libxl,qemu}.d/xen-drbd: libvirt's argv and the domain XML in, an exit code out.
// The hook's contract (libvirt's hooks page): a non-zero exit from `prepare` or `migrate` stops the
// start or the migration and libvirt shows our stderr; at `release` it is logged and ignored.
// Nothing goes to stdout: libvirt reads a filter's stdout as a replacement domain XML, and empty
// means "unchanged". The hook never calls libvirt back (libvirt waits for it: a deadlock).
import { hostname } from 'node:os';
import { Drbd } from '../../drbd/drbd';
import { drbdArgv } from '../../drbd/argv';
import { parseDumpXml } from '../../drbd/parse/dump-xml';
import { Deadline } from '../../exec/deadline';
import { runCommand, succeeded } from '../../exec/run';
import { FileLedger } from '../../hotplug/ledger';
import { claimLock } from '../../hotplug/lock';
import { HotplugLog } from '../../hotplug/log';
import { readDom0Mounts } from '../../hotplug/mounts';
import { hostPaths } from '../../hotplug/paths';
import { DomainXmlError, parseDomainXml } from '../../libvirt/domain-xml';
import { hookStep, parseHookCall, type HookCall } from '../../libvirt/hook-call';
import { FileIncomingMarks } from '../../libvirt/incoming';
import { readStream } from '../../exec/read-stream';
import { DEFAULT_POLICY, loadPolicy } from '../../policy/policy';
import { failed, type Outcome } from '../../primary/ports';
import type { OtherUse } from '../../primary/release';
import { listBackends } from '../../xenstore/backends';
import { XenstoreClient } from '../../xenstore/client';
import { runHook, type HookPorts } from './flow';
import { startMain } from '../start';

const TAG = 'xen-drbd-hook';
// A domain XML is a few KiB; anything far beyond that is not one.
const MAX_XML_BYTES = 4 * 1024 * 1024;

async function main(scriptPath: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const paths = hostPaths(env);
  const log = new HotplugLog(TAG, paths.hookLog);
  const loaded = loadPolicy(paths.policy);
  const policy = loaded.ok ? loaded.policy : DEFAULT_POLICY;
  const deadline = new Deadline(policy.budgetSeconds * 1000 - process.uptime() * 1000);
  const parsed = parseHookCall(scriptPath, args);
  // Read whole whatever the call: libvirt writes the XML to every hook it runs.
  const xml = await readStream(process.stdin, MAX_XML_BYTES, deadline);

  let outcome: Outcome;
  try {
    if (!parsed.ok) outcome = failed(parsed.error);
    else if (hookStep(parsed.call) === 'none') return 0;
    else if (!loaded.ok && hookStep(parsed.call) !== 'release') outcome = failed(`${loaded.error}; fix or remove it`);
    else {
      if (!loaded.ok) log.log('err', `${loaded.error}; this release runs on the defaults`);
      const { call } = parsed;
      log.log('debug', `${call.driver} ${call.domain} ${call.operation} ${call.subOperation}`);
      const domain = async () => {
        if (!xml.ok) throw new DomainXmlError(xml.error);
        return parseDomainXml(xml.text);
      };
      outcome = await runHook(call, domain, ports(call, paths, log, deadline, policy));
    }
  } catch (e) {
    outcome = failed(e instanceof DomainXmlError ? `${args[0] ?? '?'}: ${e.message}` : `failed unexpectedly: ${(e as Error).message}`);
  }
  if (!outcome.ok) {
    log.log('err', outcome.message);
    process.stderr.write(`xen-drbd: ${outcome.message}\n`);
  }
  await log.flushSyslog(runCommand, policy.logLevel);
  return outcome.ok ? 0 : 1;
}

function ports(
  call: HookCall,
  paths: ReturnType<typeof hostPaths>,
  log: HotplugLog,
  deadline: Deadline,
  policy: HookPorts['policy'],
): HookPorts {
  const drbd = new Drbd(runCommand, deadline, { procDrbd: paths.procDrbd, drbdTools: paths.drbdTools });
  return {
    drbd,
    ledger: new FileLedger(paths.ledgerDir),
    incoming: new FileIncomingMarks(paths.incomingDir),
    log,
    deadline,
    policy,
    lock: () => claimLock('block', paths.lockDir, deadline, runCommand),
    hostname: hostname(),
    dumpConfig: async () => {
      const r = await runCommand(drbdArgv.dumpXml(), { timeoutMs: Math.max(500, Math.min(15_000, deadline.remainingMs())) });
      return succeeded(r) ? parseDumpXml(r.stdout) : undefined;
    },
    otherUse: async (mine) => (call.driver === 'libxl' ? await xenUse(mine, deadline) : undefined) ?? mountUse(mine, paths.procMounts),
  };
}

/** On Xen, every domain's disks are block backends in xenstore, whoever started the domain. */
async function xenUse(mine: ReadonlySet<string>, deadline: Deadline): Promise<OtherUse | undefined> {
  let xs: XenstoreClient | undefined;
  try {
    xs = await XenstoreClient.connect(process.env, deadline);
    const users = (await listBackends(xs, 'backend', 'vbd')).filter(
      (b) => b.online && b.physicalDevice !== undefined && mine.has(b.physicalDevice),
    );
    return users.length > 0 ? { level: 'info', message: `still used by ${users.map((u) => u.path).join(', ')}` } : undefined;
  } catch (e) {
    return { level: 'warning', message: `cannot tell from xenstore which domains use it (${(e as Error).message})` };
  } finally {
    xs?.close();
  }
}

function mountUse(mine: ReadonlySet<string>, procMounts: string): OtherUse | undefined {
  return readDom0Mounts(procMounts).some((m) => mine.has(m.device))
    ? { level: 'warning', message: 'a volume is mounted on this host' }
    : undefined;
}

startMain(() => {
  main(process.argv[1] ?? '', process.argv.slice(2), process.env).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`xen-drbd: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
});
