// `xen-drbd parse-disk SPEC... [--json]`: parses a disk spec as xl does and prints what
// `xl -N block-attach 0 SPEC...` prints, so the two can be diffed on a real Xen host.
import { diskToLibxlJson, formatBlockAttachDryRun, formatLibxlJson, parseDiskSpec } from '../../../xl-config';
import type { Command } from './index';

const USAGE = 'usage: xen-drbd parse-disk SPEC... [--json]\n';

export const parseDisk: Command = {
  summary: 'parse a disk spec as xl does; print libxl JSON (--json: the object alone)',
  async run(args) {
    const json = args.includes('--json');
    // Like xl, several arguments are pieces of one spec ("vdev=xvda" "target=r0").
    const pieces = args.filter((a) => a !== '--json');
    if (pieces.length === 0) {
      process.stderr.write(USAGE);
      return 2;
    }
    const parsed = parseDiskSpec(pieces);
    if (!parsed.ok) {
      process.stderr.write(`${parsed.messages[0]}\n`);
      return 1;
    }
    process.stdout.write(json ? formatLibxlJson(diskToLibxlJson(parsed.disk)) : formatBlockAttachDryRun(parsed.disk));
    return 0;
  },
};
