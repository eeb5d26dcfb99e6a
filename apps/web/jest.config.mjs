// Jest for the web app: next/jest (SWC, the same transforms as `next build`).
import nextJest from 'next/jest.js';

const createJestConfig = nextJest({ dir: './' });

const config = createJestConfig({
  displayName: 'web',
  testEnvironment: 'jsdom',
  setupFilesAfterEnv: ['<rootDir>/jest.setup.ts'],
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/src/**/*.test.tsx'],
  moduleNameMapper: {
    '^@todo/api-client$': '<rootDir>/../../libs/api-client/src/index.ts',
    '^@todo/api-client/(.*)$': '<rootDir>/../../libs/api-client/src/$1',
  },
  reporters: ['default', ['jest-junit', { outputDirectory: '../../reports/apps/web', outputName: 'junit.xml' }]],
});

export default async () => {
  const resolved = await config();
  // better-auth and its dependencies ship ESM only: let SWC transform them too.
  resolved.transformIgnorePatterns = ['/node_modules/(?!(.*\\.mjs$|better-auth|@better-auth|@noble/|jose/|nanostores/))'];
  resolved.moduleFileExtensions = ['ts', 'tsx', 'js', 'jsx', 'mjs', 'json'];
  return resolved;
};
