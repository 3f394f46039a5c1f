// Jest in CommonJS mode, TypeScript compiled by @swc/jest (no type-check here: `npm run typecheck` does that).
// The lab scenarios have their own config (test/lab/jest.config.cjs): they need the qemu lab.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/lab/'],
  transform: {
    '^.+\\.(t|j|mj)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
};
