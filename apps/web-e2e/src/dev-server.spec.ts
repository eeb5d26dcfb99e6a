// `next dev` opened by 127.0.0.1, not only localhost, must serve its scripts so the page
// hydrates (Next.js 16 blocks dev resources for other hosts unless allowedDevOrigins names them).
// Needs the source tree and the API's address: skipped against the container stack.
import { expect, test } from './fixtures';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PASSWORD, newEmail, notice } from './helpers';
import { launch, readState, root, stopLaunched, waitForHttp } from './stack';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

test('the development server opened by 127.0.0.1 hydrates: sign up works and no notice shows', async ({ page }) => {
  // `next dev` compiles each route on its first request: minutes on a busy 2-core machine.
  test.setTimeout(240_000);
  const state = readState();
  const port = await freePort();
  const spec = {
    command: process.execPath,
    // No -H: the server must allow 127.0.0.1 through allowedDevOrigins, not as its own host name.
    args: [path.join(root, 'node_modules/next/dist/bin/next'), 'dev', '-p', String(port)],
    cwd: path.join(root, 'apps/web'),
    env: {
      APP_ENV: 'development',
      NEXT_TELEMETRY_DISABLED: '1',
      NEXT_DIST_DIR: '.next-e2e', // not .next: a running `npm start` holds that folder's dev lock
      PORT: String(port),
      BACKEND_URL: state.apiUrl,
      JWT_SECRET: state.secrets.jwt,
      BETTER_AUTH_SECRET: state.secrets.auth,
      AUTH_SQLITE_PATH: path.join(mkdtempSync(path.join(tmpdir(), 'e2e-dev-auth-')), 'auth.sqlite3'),
    },
    log: path.join(root, `reports/apps/web-e2e/web-dev-${port}.log`),
  };
  const pid = launch(spec).pid;
  try {
    const origin = `http://127.0.0.1:${port}`;
    await waitForHttp(`${origin}/api/healthz`, 120_000, spec.log);
    await page.goto(`${origin}/sign-up`, { timeout: 120_000 });
    const submit = page.getByRole('button', { name: 'Sign up' });
    await expect(submit).toBeEnabled({ timeout: 120_000 }); // hydrated
    await expect(notice(page)).toHaveCount(0);
    await page.getByLabel('Email').fill(newEmail('dev'));
    await page.getByLabel('Password').fill(PASSWORD);
    await submit.click();
    await expect(page.getByRole('heading', { name: 'Your tasks' })).toBeVisible({ timeout: 120_000 });
    await expect(page.getByRole('button', { name: 'Add task' })).toBeEnabled({ timeout: 60_000 });
    await expect(notice(page)).toHaveCount(0);
  } finally {
    await stopLaunched(pid);
  }
});
