// End-to-end lab scenarios (npm run test:lab): each file in scenarios/ gets a two-host Xen + DRBD
// lab under qemu, booted for it or handed on by the previous file after a reset
// (test/lab/lib/shared-lab.ts), so they run one at a time (--runInBand) in the order
// lab-sequencer.cjs gives. The cache must be built first: sudo bash test/lab/build.sh
// Choose the hotplug script with LAB_SCRIPT=dist|debian (default: dist/block-drbd if built).
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>/scenarios'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j|mj)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  testSequencer: '<rootDir>/lab-sequencer.cjs',
  globalTeardown: '<rootDir>/lib/teardown.ts',
  testTimeout: 15 * 60 * 1000,
  maxWorkers: 1,
  // Boot + scenario output is the point of these tests: show console.log lines as they happen.
  verbose: true,
};
