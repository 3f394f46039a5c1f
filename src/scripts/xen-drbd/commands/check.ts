// `xen-drbd check [CONFIG...] [--json] [--peer-auto-list FILE] [--root DIR] [--hostname NAME]`:
// lints domain configs against this host's DRBD config and the host against what DRBD-backed
// domains need. Exit 0 clean (info only), 1 warnings, 2 errors.
import { runChecks } from '../../../check/check';
import { exitCode, renderFindings } from '../../../check/findings';
import { gatherInputs } from '../../../check/gather';
import { runCommand } from '../../../exec/run';
import type { Command } from './command';

const USAGE = 'usage: xen-drbd check [CONFIG...] [--json] [--peer-auto-list FILE] [--root DIR] [--hostname NAME]\n';

interface CheckArgs {
  readonly configs: string[];
  readonly json: boolean;
  readonly root: string;
  readonly hostname?: string;
  readonly peerAutoList?: string;
}

function parseArgs(args: readonly string[]): CheckArgs | undefined {
  const configs: string[] = [];
  let json = false;
  const values: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--json') json = true;
    else if (a === '--root' || a === '--hostname' || a === '--peer-auto-list') {
      const v = args[++i];
      if (v === undefined) return undefined;
      values[a] = v;
    } else if (a.startsWith('-')) return undefined;
    else configs.push(a);
  }
  return {
    configs,
    json,
    root: values['--root'] ?? '/',
    ...(values['--hostname'] === undefined ? {} : { hostname: values['--hostname'] }),
    ...(values['--peer-auto-list'] === undefined ? {} : { peerAutoList: values['--peer-auto-list'] }),
  };
}

export const check: Command = {
  summary: 'lint domain configs and this host for DRBD-backed domains (--json); exit 1 warnings, 2 errors',
  async run(args) {
    const a = parseArgs(args);
    if (a === undefined) {
      process.stderr.write(USAGE);
      return 2;
    }
    const inputs = await gatherInputs({ ...a, run: runCommand });
    const findings = runChecks(inputs);
    const code = exitCode(findings);
    if (a.json) {
      process.stdout.write(`${JSON.stringify({ findings, exitCode: code }, null, 2)}\n`);
    } else {
      process.stdout.write(renderFindings(findings));
      const count = (s: string) => findings.filter((f) => f.severity === s).length;
      process.stdout.write(`${count('error')} error(s), ${count('warning')} warning(s), ${count('info')} note(s)\n`);
    }
    return code;
  },
};
