// End-to-end lab scenarios (npm run test:lab): each file in scenarios/ gets a Xen + DRBD
// lab under qemu, booted for it or handed on by the previous file after a reset
// (test/lab/lib/shared-lab.ts), so they run one at a time (--runInBand) in the order
// lab-sequencer.cjs gives. The cache must be built first: sudo bash test/lab/build.sh
// Choose the hotplug script with LAB_SCRIPT=dist|debian (default: dist/block-drbd if built).
const fs = require('node:fs');
const path = require('node:path');
const { kindsOf } = require('./scenario-kinds.cjs');

/**
 * The DRBD 9 scenario files, when the lab cache has no DRBD 9 modules (build.sh built it without
 * LAB_DRBD9_TARBALL): they are left out, saying so. Under CI=true they stay in and fail instead.
 */
function drbd9FilesLeftOut() {
  if (process.env.CI === 'true') return [];
  const manifest = path.join(process.env.XEN_DRBD_LAB_CACHE || '/var/cache/xen-drbd-lab', 'manifest.env');
  if (!fs.existsSync(manifest) || /^LAB_DRBD9_CPIO=./m.test(fs.readFileSync(manifest, 'utf8'))) return [];
  const dir = path.join(__dirname, 'scenarios');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.test.ts') && kindsOf(path.join(dir, f)).drbd9);
  if (files.length > 0)
    process.stderr.write(
      `lab: ${files.length} DRBD 9 scenario files skipped: the lab cache has no DRBD 9 modules. ` +
        'Run test/lab/build.sh with LAB_DRBD9_TARBALL=<drbd-9.2.18.tar.gz> (test/lab/README.md, "DRBD 8.4 or DRBD 9").\n',
    );
  return files;
}

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>/scenarios'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', ...drbd9FilesLeftOut().map((f) => `/scenarios/${f.replace(/\./g, '\\.')}$`)],
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
