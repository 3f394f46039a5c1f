// The subcommand table: one entry per command module.
import { bootOrder } from './boot-order';
import { check } from './check';
import { parseConfigCommand } from './parse-config';
import { parseDisk } from './parse-disk';
import { reconcile } from './reconcile';
import { startupSnapshot } from './startup-snapshot';
import { status } from './status';
import type { Command } from './command';

export const commands: Record<string, Command> = {
  'parse-disk': parseDisk,
  'parse-config': parseConfigCommand,
  status,
  reconcile,
  check,
  'boot-order': bootOrder,
  'startup-snapshot': startupSnapshot,
};
