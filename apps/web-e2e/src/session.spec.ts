import { expect, test } from './fixtures';
import pg from 'pg';
import { addTask, signUp } from './helpers';
import { readState } from './stack';

const SESSION_COOKIE = 'better-auth.session_token';
const SESSION_DATA_COOKIE = 'better-auth.session_data';

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

test('an expired session is sent to sign in once the cookie cache lapses', async ({ page, context }) => {
  const email = await signUp(page);
  await addTask(page, 'Before expiry');
  // A fresh signed copy just before the revocation, so the check below runs well inside its
  // minute however long sign-up took on a loaded machine.
  const fresh = await page.request.get('/api/auth/get-session?disableCookieCache=true');
  expect(fresh.status()).toBe(200);
  expect((await fresh.json())?.session).toBeTruthy();
  const issued = (await context.cookies()).find((c) => c.name === SESSION_DATA_COOKIE);
  expect(issued?.expires).toBeGreaterThan(Date.now() / 1000 + 30);
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
  // The signed copy of the session (SESSION_COOKIE_CACHE_SECONDS, a minute) still stands in
  // for the database until it expires: the revocation delay the web app chose.
  expect((await page.request.get('/api/tasks')).status()).toBe(200);
  const copy = (await context.cookies()).find((c) => c.name === SESSION_DATA_COOKIE);
  expect(copy?.expires).toBeLessThanOrEqual(Date.now() / 1000 + 61);
  // Its expiry, without waiting a minute: the browser drops it.
  await context.clearCookies({ name: SESSION_DATA_COOKIE });
  await page.reload();
  await expect(page).toHaveURL(/\/sign-in$/);
  expect((await page.request.get('/api/tasks')).status()).toBe(401);
});
