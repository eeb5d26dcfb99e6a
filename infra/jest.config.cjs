// Jest for infra. Chart tests render the real chart with the real helm, and the doctor's
// collector tests run a fake kubectl and helm (real processes) from a temp dir, so they get a
// generous timeout.
/** @type {import('jest').Config} */
module.exports = {
  preset: '../jest.preset.cjs',
  displayName: 'infra',
  testMatch: ['<rootDir>/src/**/*.test.ts'],
  testTimeout: 60_000,
  reporters: ['default', ['jest-junit', { outputDirectory: '../reports/infra', outputName: 'junit.xml' }]],
};
