import { expect, test } from './fixtures';
import pg from 'pg';
import { addTask, signUp } from './helpers';
import { readState } from './stack';

const SESSION_COOKIE = 'better-auth.session_token';

test('a forged session cookie is sent to sign in, and the proxy refuses it', async ({ page, context, baseURL }) => {
  await context.addCookies([{ name: SESSION_COOKIE, value: 'forged-token.forged-signature', url: baseURL! }]);
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in$/);
  const response = await page.request.get('/api/tasks');
  expect(response.status()).toBe(401);
  expect((await response.json()).detail).toMatch(/sign in/);
});

test('a tampered copy of a real session cookie is refused', async ({ page, context, baseURL }) => {
  await signUp(page);
  const cookie = (await context.cookies()).find((c) => c.name === SESSION_COOKIE)!;
  await context.clearCookies();
  const [token] = decodeURIComponent(cookie.value).split('.');
  await context.addCookies([{ name: SESSION_COOKIE, value: encodeURIComponent(`${token}.not-the-signature`), url: baseURL! }]);
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in$/);
});

test('an expired session is sent to sign in', async ({ page }) => {
  const email = await signUp(page);
  await addTask(page, 'Before expiry');
  const db = new pg.Client({ connectionString: readState().databaseUrl });
  await db.connect();
  try {
    const updated = await db.query(
      `UPDATE "session" SET "expiresAt" = now() - interval '1 minute'
       WHERE "userId" = (SELECT id FROM "user" WHERE email = $1)`,
      [email],
    );
    expect(updated.rowCount).toBeGreaterThan(0);
  } finally {
    await db.end();
  }
  await page.reload();
  await expect(page).toHaveURL(/\/sign-in$/);
  expect((await page.request.get('/api/tasks')).status()).toBe(401);
});
