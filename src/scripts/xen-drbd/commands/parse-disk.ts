// `xen-drbd parse-disk SPEC... [--json]`: parses a disk spec as xl does and prints what
// `xl -N block-attach 0 SPEC...` prints, so the two can be diffed on a real Xen host.
// `--batch` reads one spec per line from stdin and prints one JSON line per spec, so a whole
// corpus costs one Node start (2.5 s in the lab's dom0) instead of one per spec.
import { diskToLibxlJson, formatBlockAttachDryRun, formatLibxlJson, parseDiskSpec } from '../../../xl-config';
import { stdinLines } from './stdin-lines';
import type { Command } from './command';

const USAGE = 'usage: xen-drbd parse-disk SPEC... [--json] | parse-disk --batch < SPECS\n';

export const parseDisk: Command = {
  summary: 'parse a disk spec as xl does; print libxl JSON (--json: the object alone; --batch: specs on stdin)',
  async run(args) {
    if (args.includes('--batch')) {
      if (args.length > 1) {
        process.stderr.write(USAGE);
        return 2;
      }
      for await (const spec of stdinLines()) process.stdout.write(`${JSON.stringify(batchRecord(spec))}\n`);
      return 0;
    }
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

/** One line of --batch output: the libxl object, or the message xl would print. */
function batchRecord(spec: string) {
  const parsed = parseDiskSpec(spec);
  return parsed.ok ? { spec, ok: true, disk: diskToLibxlJson(parsed.disk) } : { spec, ok: false, error: parsed.messages[0] };
}
