// Jest for libs/kube. The tests run the real helm binary, so they get a generous timeout.
/** @type {import('jest').Config} */
module.exports = {
  preset: '../../jest.preset.cjs',
  displayName: 'kube',
  testMatch: ['<rootDir>/src/**/*.test.ts'],
  testTimeout: 30_000,
  reporters: ['default', ['jest-junit', { outputDirectory: '../../reports/libs/kube', outputName: 'junit.xml' }]],
};
