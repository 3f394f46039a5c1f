// xen-drbd: the admin CLI. Each subcommand is one module in ./commands; this file only dispatches.
import { commands } from './commands';

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (command === undefined) {
    process.stderr.write(`xen-drbd: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  return command.run(rest);
}

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(14)} ${c.summary}`);
  return `usage: xen-drbd COMMAND [ARGS...]\n\ncommands:\n${lines.join('\n')}\n`;
}

// `xen-drbd status | head`: a reader that stops early is not an error of ours.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`xen-drbd: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
