// What a scenario file asks of its lab, read from its source (the options it passes to useLab or
// to its body): lab-sequencer.cjs orders the files by it, jest.config.cjs leaves out the DRBD 9
// files when the lab cache has no DRBD 9 modules. `libvirt`: a lab with libvirtd installed
// (LabOptions.libvirt), a kind of its own. `sr`: the SR lab (useSrLab), called in the file or in
// the shared body (bodies/) it imports; the other kinds are options the file itself passes.
const fs = require('node:fs');
const path = require('node:path');

function kindsOf(file) {
  const src = fs.readFileSync(file, 'utf8');
  const bodies = [...src.matchAll(/from '\.\.\/bodies\/([\w-]+)'/g)].map((m) =>
    fs.readFileSync(path.join(path.dirname(file), '..', 'bodies', `${m[1]}.ts`), 'utf8'),
  );
  return {
    drbd9: /\bdrbd:\s*9\b/.test(src),
    libvirt: /\blibvirt:\s*true\b/.test(src),
    hostC: /\bhosts:\s*\[[^\]]*'C'/.test(src),
    sr: [src, ...bodies].some((s) => /\buseSrLab\(/.test(s)),
    leavesHostUnusable: /leavesHostUnusable: true/.test(src),
  };
}

module.exports = { kindsOf };
