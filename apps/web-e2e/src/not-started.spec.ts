// A page whose scripts never run says so instead of sitting there with disabled forms.
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './fixtures';
import { notice } from './helpers';

test('with JavaScript off the sign-in page says the page has not started, and why', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/sign-in');
  await expect(notice(page)).toBeVisible();
  await expect(notice(page)).toContainText('This page has not started');
  await expect(notice(page).getByText('JavaScript is turned off')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeDisabled();
  await context.close();
});

test('when the page’s scripts never arrive, the notice appears after a few seconds', async ({ page }) => {
  await page.route('**/_next/static/**/*.js', (route) => route.abort());
  await page.goto('/sign-in');
  await expect(notice(page)).toBeAttached();
  await expect(notice(page)).toBeHidden(); // not at once: a normal load hydrates first
  await expect(notice(page)).toBeVisible({ timeout: 15_000 });
  await expect(notice(page).getByText('JavaScript is turned off')).toBeHidden(); // scripting is on
  await expect(notice(page)).not.toContainText('Development server'); // a production build
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeDisabled();
  // The notice itself, once shown, passes the same WCAG A/AA checks as every page.
  const results = await new AxeBuilder({ page }).include('[data-not-started]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  expect(results.passes.length).toBeGreaterThan(0); // it did check the notice
});

test('a normal load hydrates and removes the notice', async ({ page }) => {
  await page.goto('/sign-in');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled();
  await expect(notice(page)).toHaveCount(0);
});
