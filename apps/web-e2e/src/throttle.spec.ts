// The sign-in limits, attacked as a script would: forged X-Forwarded-For on every guess, and
// a new address for every sign-up. (Two web processes sharing the count: throttle-replicas.spec.ts;
// the owner getting in again when the window ends: apps/web's account-throttle.test.ts, with a
// clock it can move.)
import { clientAddress, expect, test } from './fixtures';
import { client, guess, LIMIT, newEmail, PASSWORD, signUpBy } from './helpers';

test('100 guesses at one account, each with a new forged X-Forwarded-For, stop at the limit', async ({ playwright, baseURL }) => {
  const request = await client(playwright.request, baseURL!, clientAddress());
  const email = await signUpBy(request);
  const statuses: number[] = [];
  let refusal: { retryAfter: string | undefined; body: unknown } | undefined;
  for (let i = 0; i < 100; i++) {
    const answer = await guess(request, email, i);
    statuses.push(answer.status());
    if (answer.status() === 429 && !refusal) refusal = { retryAfter: answer.headers()['retry-after'], body: await answer.json() };
  }
  expect(statuses.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(401));
  expect(statuses.slice(LIMIT).every((s) => s === 429)).toBe(true);
  expect(Number(refusal?.retryAfter)).toBeGreaterThan(0);
  expect(refusal?.body).toMatchObject({ code: 'ACCOUNT_THROTTLED' });
  // From another address, with the right password, the account still waits out the window.
  const owner = await client(playwright.request, baseURL!, clientAddress());
  expect((await owner.post('/api/auth/sign-in/email', { data: { email, password: PASSWORD } })).status()).toBe(429);
  await Promise.all([request.dispose(), owner.dispose()]);
});

test('one address is limited on sign-ups, whatever X-Forwarded-For it sends', async ({ playwright, baseURL }) => {
  const request = await client(playwright.request, baseURL!, clientAddress());
  const statuses: number[] = [];
  for (let i = 0; i < 12; i++) {
    const answer = await request.post('/api/auth/sign-up/email', {
      data: { email: newEmail('many'), password: PASSWORD, name: 'Many' },
      headers: { 'X-Forwarded-For': `203.0.113.${i + 1}` },
    });
    statuses.push(answer.status());
  }
  expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
  expect(statuses.slice(10)).toEqual([429, 429]);
});
