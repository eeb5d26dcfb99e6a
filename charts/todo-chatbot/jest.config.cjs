// Jest for the chart. The tests render the real chart with the real helm, many times over,
// so they get a generous timeout.
/** @type {import('jest').Config} */
module.exports = {
  preset: '../../jest.preset.cjs',
  displayName: 'chart',
  testMatch: ['<rootDir>/src/**/*.test.ts'],
  testTimeout: 60_000,
  reporters: ['default', ['jest-junit', { outputDirectory: '../../reports/chart', outputName: 'junit.xml' }]],
};
