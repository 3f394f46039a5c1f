// jest globalSetup (jest.config.cjs): every test's scratch files go below one directory made for
// the run (TMPDIR, which os.tmpdir() and so mkdtemp follow, set before the workers start);
// scratch-teardown.cjs removes it, so a test that forgets its clean-up, or is killed, leaves
// nothing in /tmp.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

module.exports = async function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xen-drbd-tests-'));
  process.env.XEN_DRBD_TEST_SCRATCH = dir;
  process.env.TMPDIR = dir;
};
