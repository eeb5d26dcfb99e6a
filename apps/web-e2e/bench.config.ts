// `nx run web:bench`: the same real stack as the browser tests, driven by a load generator
// instead of a browser. Prints figures and writes them to docs/benchmarks.md; it has no
// pass/fail thresholds.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: './bench',
  testMatch: '*.bench.ts',
  globalSetup: './src/global-setup.ts',
  globalTeardown: './src/global-teardown.ts',
  workers: 1,
  timeout: 15 * 60_000,
  reporter: [['list']],
});
