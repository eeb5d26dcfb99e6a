// Jest for infra: plain Node, TypeScript transpiled by the workspace's own compiler. Chart
// tests render the real chart with the real helm, and the doctor's collector tests run a fake
// kubectl and helm (real processes) from a temp dir, so they get a generous timeout.
/** @type {import('jest').Config} */
module.exports = {
  displayName: 'infra',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.test.ts'],
  transform: { '\\.ts$': '<rootDir>/../tools/scripts/ts-transpile.cjs' },
  testTimeout: 60_000,
  reporters: ['default', ['jest-junit', { outputDirectory: '../reports/infra', outputName: 'junit.xml' }]],
};
