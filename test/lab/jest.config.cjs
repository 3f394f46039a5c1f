// End-to-end lab scenarios (npm run test:lab): each file in scenarios/ boots its own two-host
// Xen + DRBD lab under qemu (test/lab/lib/lab.ts), so they are slow and run one at a time
// (--runInBand). The cache must be built first: sudo bash test/lab/build.sh
// Choose the hotplug script with LAB_SCRIPT=dist|debian (default: dist/block-drbd if built).
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>/scenarios'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j|mj)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  testTimeout: 15 * 60 * 1000,
  maxWorkers: 1,
  // Boot + scenario output is the point of these tests: show console.log lines as they happen.
  verbose: true,
};
