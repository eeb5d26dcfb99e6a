// Jest for libs/helm: plain Node, TypeScript transpiled by the workspace's own compiler.
// The tests run the real helm binary, so they get a generous timeout.
/** @type {import('jest').Config} */
module.exports = {
  displayName: 'helm',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.test.ts'],
  transform: { '\\.ts$': '<rootDir>/../../tools/scripts/ts-transpile.cjs' },
  testTimeout: 30_000,
  reporters: ['default', ['jest-junit', { outputDirectory: '../../reports/libs/helm', outputName: 'junit.xml' }]],
};
