// Browser tests in real Chromium against the real stack: PostgreSQL, the API (uvicorn) and
// the production web build (standalone server), all started by src/global-setup.ts.
import { defineConfig } from '@playwright/test';
import { chromiumPath } from './src/browser';
import { ports } from './src/stack';

const reports = process.env.E2E_REPORT_DIR ?? '../../reports/apps/web-e2e';
// Against an already running stack (the images, see infra/src/containers/e2e-containers.ts),
// specs that start their own web servers from the local build do not apply: the container
// run proves the same (one image, BACKEND_URL read at run time) with the image itself, and
// the dev-server spec needs the source tree and the API's address.
const attached = Boolean(process.env.E2E_STACK_STATE);

export default defineConfig({
  testDir: './src',
  testIgnore: attached ? ['**/backend-url.spec.ts', '**/dev-server.spec.ts', '**/throttle-replicas.spec.ts', '**/trail.spec.ts'] : [],
  outputDir: `${reports}/artifacts`,
  globalSetup: './src/global-setup.ts',
  globalTeardown: './src/global-teardown.ts',
  // One worker: some tests stop and restart the API, which every other test depends on.
  workers: 1,
  fullyParallel: false,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  retries: 0,
  reporter: [['list'], ['junit', { outputFile: `${reports}/junit.xml` }]],
  use: {
    // E2E_WEB_URL: a web reached another way, e.g. a cluster's NodePort (infra:e2e-cluster).
    baseURL: process.env.E2E_WEB_URL ?? `http://127.0.0.1:${ports.web}`,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromiumPath(),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
