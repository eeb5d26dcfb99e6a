// Jest for tools/images: the plugin's createNodes and the report reader and writer, on
// temporary directories (no Docker needed).
/** @type {import('jest').Config} */
module.exports = {
  preset: '../../jest.preset.cjs',
  displayName: 'images',
  testMatch: ['<rootDir>/src/**/*.test.ts'],
  reporters: ['default', ['jest-junit', { outputDirectory: '../../reports/tools/images', outputName: 'junit.xml' }]],
};
