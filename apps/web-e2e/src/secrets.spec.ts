// What reaches the browser: never a secret, a token, or the API's address.
import { expect, test } from './fixtures';
import { addTask, signUp } from './helpers';
import { readState } from './stack';

test('pages, scripts and proxied answers carry no secret, token or API address', async ({ page }) => {
  const state = readState();
  const bodies: string[] = [];
  page.on('response', async (response) => {
    const type = response.headers()['content-type'] ?? '';
    if (/html|javascript|json|text/.test(type)) bodies.push(await response.text().catch(() => ''));
  });
  await signUp(page);
  await addTask(page, 'Check what the browser sees');
  await page.reload();
  await expect(page.getByText('Check what the browser sees')).toBeVisible();

  const seen = bodies.join('\n');
  expect(seen.length).toBeGreaterThan(10_000); // the pages and scripts were really captured
  for (const secret of [state.secrets.jwt, state.secrets.auth, state.apiUrl, `127.0.0.1:${new URL(state.apiUrl).port}`]) {
    expect(seen).not.toContain(secret);
  }
  expect(seen).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/); // no JWT
});
