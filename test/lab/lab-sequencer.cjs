// The order of the lab scenario files (test/lab/jest.config.cjs). Files that can share a lab
// (shared-lab.ts) run next to each other: the two-host ones, then those whose lab has host C
// (`hosts: [..., 'C']`), then the DRBD 9 ones (`drbd: 9`: their dom0s load another module), then
// the libvirt ones (`libvirt: true`: another initramfs). Within each, the SR files come first:
// their lab forwards the XenAPI simulator's port, and the others can reuse it (shared-lab.ts,
// `serves`), while an SR file cannot reuse theirs; a file that leaves a host unusable runs last,
// so that it costs no extra boot. By name otherwise.
// LAB_ORDER=shuffle:<seed> shuffles the files instead (the resets must hold in any order),
// printing the order it chose.
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;
const { kindsOf } = require('./scenario-kinds.cjs');

function group(file) {
  const k = kindsOf(file);
  return (k.libvirt ? 16 : 0) + (k.drbd9 ? 8 : 0) + (k.hostC ? 4 : 0) + (k.sr ? 0 : 2) + (k.leavesHostUnusable ? 1 : 0);
}

/** A small seeded PRNG (mulberry32): the same seed gives the same order. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class LabSequencer extends Sequencer {
  sort(tests) {
    const byName = [...tests].sort((a, b) => path.basename(a.path).localeCompare(path.basename(b.path)));
    const m = /^shuffle:(\d+)$/.exec(process.env.LAB_ORDER || '');
    if (m) {
      const rnd = random(Number(m[1]));
      for (let i = byName.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [byName[i], byName[j]] = [byName[j], byName[i]];
      }
      process.stdout.write(
        `lab scenario order (LAB_ORDER=${process.env.LAB_ORDER}): ${byName.map((t) => path.basename(t.path)).join(' ')}\n`,
      );
      return byName;
    }
    return byName
      .map((t) => [group(t.path), t])
      .sort((a, b) => a[0] - b[0])
      .map(([, t]) => t);
  }
}

module.exports = LabSequencer;
