// The I/O side of `xen-drbd check`: reads the domain configs, host files under a root directory
// ('/' on a real host) and `drbdadm dump-xml`, into CheckInputs. Decides nothing.
import { readFileSync, realpathSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import { observeBoot, listDir, readTextFile } from '../boot-order/observe';
import { drbdArgv } from '../drbd/argv';
import { parseDumpXml } from '../drbd/parse/dump-xml';
import { meaningfulLines } from '../drbd/parse/failure';
import { succeeded, type Runner } from '../exec/run';
import { loadPolicyUnder, POLICY_PATH } from '../policy/policy';
import { readDomain, unreadableDomain } from './domain';
import { observeLibvirt } from './libvirt-hooks';
import type { CheckInputs, TextFile } from './inputs';

export interface GatherOptions {
  readonly root: string;
  /** Config files named on the command line; none means every file in /etc/xen/auto. */
  readonly configs: readonly string[];
  readonly hostname?: string;
  readonly peerAutoList?: string;
  readonly run: Runner;
}

const AUTO_DIR = '/etc/xen/auto';
const DUMP_TIMEOUT_MS = 30_000;

export async function gatherInputs(o: GatherOptions): Promise<CheckInputs> {
  const auto = listDir(o.root, AUTO_DIR);
  const autoPaths = new Map(auto.map((name) => [realPath(join(o.root, AUTO_DIR, name)), name]));
  const named = o.configs.map((path) => {
    const autoName = autoPaths.get(realPath(path));
    return { path, file: path, autoStarted: autoName !== undefined, ...(autoName === undefined ? {} : { autoName }) };
  });
  const listed = auto.map((name) => ({
    path: `${AUTO_DIR}/${name}`,
    file: join(o.root, AUTO_DIR, name),
    autoStarted: true,
    autoName: name,
  }));
  const domains = (o.configs.length > 0 ? named : listed).map(({ file, ...d }) => {
    try {
      return readDomain({ ...d, text: readFileSync(file, 'utf8') });
    } catch (e) {
      return unreadableDomain({ ...d, text: '' }, (e as Error).message);
    }
  });
  const boot = observeBoot(o.root);
  return {
    hostname: o.hostname ?? osHostname(),
    domains,
    drbd: await readDrbd(o),
    policy: { path: POLICY_PATH, result: loadPolicyUnder(o.root) },
    lvmConf: readTextFile(o.root, '/etc/lvm/lvm.conf'),
    modprobe: textFiles(o.root, '/etc/modprobe.d').filter((f) => f.path.endsWith('.conf')),
    schedules: schedules(o.root, boot.enabledUnits),
    boot,
    blockDrbdScript: readTextFile(o.root, '/etc/xen/scripts/block-drbd'),
    xendomainsDefault: readTextFile(o.root, '/etc/default/xendomains'),
    libvirt: observeLibvirt(o.root, o.root === '/' ? '/proc' : undefined),
    peerAutoList: o.peerAutoList === undefined ? undefined : peerList(o.peerAutoList),
  };
}

async function readDrbd(o: GatherOptions): Promise<CheckInputs['drbd']> {
  const configFile = o.root === '/' ? undefined : join(o.root, '/etc/drbd.conf');
  const r = await o.run(drbdArgv.dumpXml(configFile), { timeoutMs: DUMP_TIMEOUT_MS });
  if (!succeeded(r)) {
    const said =
      r.exitCode === null && r.signal === null ? 'drbdadm is not installed' : meaningfulLines(r.stderr) || `exit code ${r.exitCode}`;
    return { ok: false, error: `'${r.argv.join(' ')}': ${said}` };
  }
  try {
    const dump = await parseDumpXml(r.stdout);
    // Under another root, drbdadm names files by their full path; findings use the host's.
    if (configFile === undefined) return { ok: true, dump };
    const prefix = o.root.replace(/\/+$/, '');
    return {
      ok: true,
      dump: {
        ...dump,
        resources: dump.resources.map((res) => ({
          ...res,
          definedAt: res.definedAt?.startsWith(prefix) ? res.definedAt.slice(prefix.length) : res.definedAt,
        })),
      },
    };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

function textFiles(root: string, dir: string): TextFile[] {
  return listDir(root, dir).flatMap((name) => {
    try {
      const f = readTextFile(root, `${dir}/${name}`);
      return f === undefined ? [] : [f];
    } catch {
      return []; // a directory or unreadable entry: not a file anything runs
    }
  });
}

// Where a periodic verify can be: crontabs and run-parts directories, and the services of enabled
// timers (a timer starts the service of its own name unless it says Unit=).
function schedules(root: string, enabledUnits: ReadonlySet<string>): TextFile[] {
  const files = [
    ...[readTextFile(root, '/etc/crontab')].filter((f): f is TextFile => f !== undefined),
    ...['/etc/cron.d', '/etc/cron.hourly', '/etc/cron.daily', '/etc/cron.weekly', '/etc/cron.monthly', '/var/spool/cron/crontabs'].flatMap(
      (d) => textFiles(root, d),
    ),
  ];
  for (const timer of [...enabledUnits].filter((u) => u.endsWith('.timer'))) {
    const text =
      ['/etc/systemd/system', '/lib/systemd/system'].map((d) => readTextFile(root, `${d}/${timer}`)).find((f) => f !== undefined)?.text ??
      '';
    const unit = /^\s*Unit\s*=\s*(\S+)/m.exec(text)?.[1] ?? timer.replace(/\.timer$/, '.service');
    const service = ['/etc/systemd/system', '/lib/systemd/system']
      .map((d) => readTextFile(root, `${d}/${unit}`))
      .find((f) => f !== undefined);
    if (service !== undefined) files.push(service);
  }
  return files;
}

function peerList(path: string): NonNullable<CheckInputs['peerAutoList']> {
  try {
    const entries = readFileSync(path, 'utf8')
      .split('\n')
      .map((l) => l.replace(/#.*/, '').trim())
      .filter((l) => l !== '')
      .map((l) => l.replace(/^.*\//, ''));
    return { path, entries };
  } catch (e) {
    return { path, error: (e as Error).message };
  }
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
