import { expect, test } from './fixtures';
import { PASSWORD, alertIn, newEmail, signIn, signUp } from './helpers';

test('a visitor is sent to sign in', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
});

test('sign up, sign out, sign in again', async ({ page }) => {
  const email = await signUp(page);
  await expect(page.getByLabel('Signed in as')).toHaveText(email);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in$/); // the session is really gone

  await signIn(page, email);
  await expect(page.getByRole('heading', { name: 'Your tasks' })).toBeVisible();
  await expect(page.getByLabel('Signed in as')).toHaveText(email);
});

test('a wrong password is refused with a message', async ({ page }) => {
  const email = await signUp(page);
  await page.context().clearCookies();
  await signIn(page, email, `${PASSWORD}-wrong`);
  await expect(alertIn(page)).toContainText(/invalid|wrong/i);
  await expect(page).toHaveURL(/\/sign-in$/);
});

test('signing up twice with one email is refused', async ({ page }) => {
  const email = newEmail('twice');
  await signUp(page, email);
  await page.context().clearCookies();
  await page.goto('/sign-up');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(alertIn(page)).toContainText(/exist/i);
});
