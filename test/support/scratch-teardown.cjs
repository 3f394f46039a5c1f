// jest globalTeardown (jest.config.cjs): removes the run's scratch directory (scratch-setup.cjs).
const fs = require('node:fs');

module.exports = async function teardown() {
  const dir = process.env.XEN_DRBD_TEST_SCRATCH;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
};
