// xen-drbd(8) documents exactly the commands the CLI dispatches: a new command without help, or
// help for a command that is gone, fails here.
import { commandHelp, XEN_DRBD_COMMANDS } from '../../../src/help/xen-drbd';
import { commands } from '../../../src/scripts/xen-drbd/commands';
import { install, uninstall } from '../../../src/scripts/xen-drbd/commands/install';

test('one help entry per dispatched command', () => {
  const dispatched = Object.keys({ ...commands, install, uninstall }).sort();
  expect(Object.keys(XEN_DRBD_COMMANDS).sort()).toEqual(dispatched);
});

test('each entry starts with the command line that runs it', () => {
  for (const [name, item] of Object.entries(XEN_DRBD_COMMANDS)) expect(item.term.startsWith(`xen-drbd ${name}`)).toBe(true);
});

test('commandHelp knows only own keys', () => {
  expect(commandHelp('status')?.term).toBe('xen-drbd status [--json]');
  expect(commandHelp('constructor')).toBeUndefined();
  expect(commandHelp('toString')).toBeUndefined();
});
