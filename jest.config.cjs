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
  // Four workers on CI's 2 cores: the contract tests mostly wait on the processes they start, so one
  // worker (jest's default there) leaves the CPU idle. `CI=true npx jest --ci` on this 2-core machine
  // (2026-12-07): 1 worker 360 s, 2 workers 198 s, 4 workers 146 s, all 1,502 tests passed each time.
  maxWorkers: 4,
};
