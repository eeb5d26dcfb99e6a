// The security headers, and that the CSP is enforced, not only sent: every page's headers are
// checked by fixtures.ts on every test; here the API answers and a provoked violation.
import { expect, test } from './fixtures';

test('an inline script slipped into a page (as an XSS would) is refused, and the refusal is reported', async ({ page, pageChecks }) => {
  // The server's own page, with its own headers, plus one script tag without the nonce.
  await page.route('**/sign-in', async (route) => {
    const original = await route.fetch();
    const html = (await original.text()).replace('</body>', '<script>window.__injected = true</script></body>');
    await route.fulfill({ response: original, body: html });
  });
  await page.goto('/sign-in');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled(); // Next's own scripts ran
  expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
  // The watcher saw it: proof that the suite-wide "no CSP violation" check can fail.
  await expect.poll(() => pageChecks.filter((p) => p.startsWith('CSP violation')).length).toBe(1);
  pageChecks.splice(0); // the one violation this test provoked on purpose
});

test('a page that does not exist is an error page under the same policy, with no violation', async ({ page }) => {
  const answer = await page.goto('/no-such-page');
  expect(answer?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  // fixtures.ts checks this page's headers and fails the test on any CSP violation.
});

test('the proxied API answers are nosniff, unframable and never cached', async ({ request }) => {
  for (const url of ['/api/healthz', '/api/tasks', '/api/auth/get-session']) {
    const answer = await request.get(url);
    const headers = answer.headers();
    expect({ url, nosniff: headers['x-content-type-options'], frame: headers['x-frame-options'] }).toEqual({ url, nosniff: 'nosniff', frame: 'DENY' });
    expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(headers['cache-control']).toBe('no-store');
  }
});
