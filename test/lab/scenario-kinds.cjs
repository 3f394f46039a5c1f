// What a scenario file asks of its lab, read from its source (the options it passes to useLab or
// to its body): lab-sequencer.cjs orders the files by it, jest.config.cjs leaves out the DRBD 9
// files when the lab cache has no DRBD 9 modules. `libvirt`: a lab with libvirtd installed
// (LabOptions.libvirt), a kind of its own.
const fs = require('node:fs');

function kindsOf(file) {
  const src = fs.readFileSync(file, 'utf8');
  return {
    drbd9: /\bdrbd:\s*9\b/.test(src),
    libvirt: /\blibvirt:\s*true\b/.test(src),
    hostC: /\bhosts:\s*\[[^\]]*'C'/.test(src),
    sr: /\buseSrLab\(/.test(src),
    leavesHostUnusable: /leavesHostUnusable: true/.test(src),
  };
}

module.exports = { kindsOf };
