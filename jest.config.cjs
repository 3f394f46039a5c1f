// Jest in CommonJS mode, TypeScript compiled by @swc/jest (no type-check here: `npm run typecheck` does that).
// The lab scenarios have their own config (test/lab/jest.config.cjs): they need the qemu lab.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/lab/'],
  transform: {
    '^.+\\.(t|j|mj)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  globalSetup: '<rootDir>/test/support/scratch-setup.cjs',
  globalTeardown: '<rootDir>/test/support/scratch-teardown.cjs',
  // A hang guard, not a speed check: contract tests start several Node processes per case, and
  // on a loaded 2-core machine one case can take well over jest's default 5 s.
  testTimeout: 60_000,
};
