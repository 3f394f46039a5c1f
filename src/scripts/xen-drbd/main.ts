// xen-drbd: the admin CLI. Each subcommand is one module in ./commands; this file only dispatches.
// `help COMMAND` and `COMMAND --help` print the command's entry of xen-drbd(8) (src/help).
import { commandHelp } from '../../help/xen-drbd';
import { usageText } from '../../help/text';
import { commands } from './commands';
import type { Command } from './commands/command';
import { install, uninstall } from './commands/install';
import { startMain } from '../start';

const table: Record<string, Command> = { ...commands, install, uninstall };

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === 'help') return help(rest[0]);
  // Own keys only: `xen-drbd constructor` is not a command.
  const command = Object.hasOwn(table, name) ? table[name] : undefined;
  if (command === undefined) {
    process.stderr.write(`xen-drbd: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  if (rest[0] === '--help' || rest[0] === '-h') return help(name);
  return command.run(rest);
}

function usage(): string {
  const lines = Object.entries(table).map(([name, c]) => `  ${name.padEnd(14)} ${c.summary}`);
  return `usage: xen-drbd COMMAND [ARGS...]\n\ncommands:\n${lines.join('\n')}\n\n\`xen-drbd help COMMAND\` describes one; man xen-drbd describes them all.\n`;
}

function help(name: string | undefined): number {
  if (name === undefined) {
    process.stdout.write(usage());
    return 0;
  }
  const entry = commandHelp(name);
  if (entry === undefined) {
    process.stderr.write(`xen-drbd: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  process.stdout.write(usageText(entry));
  return 0;
}

/** Resolves when everything written so far to stdout and stderr has been handed to the OS. */
function flushed(): Promise<void> {
  return Promise.all([process.stdout, process.stderr].map((s) => new Promise<void>((done) => s.write('', () => done())))).then(
    () => undefined,
  );
}

startMain(() => {
  // `xen-drbd status | head`: a reader that stops early is not an error of ours.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });

  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      // A libvirt call the binding's worker thread still waits on (given up at its deadline) would
      // hold the process after its answer, so it exits 1 s after the answer is out: once stdout and
      // stderr have taken all of it (a large output to a slow reader waits in this process).
      void flushed().then(() => setTimeout(() => process.exit(), 1000).unref());
    },
    (err: unknown) => {
      process.stderr.write(`xen-drbd: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
});
