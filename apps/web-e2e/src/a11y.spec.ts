// Automated accessibility checks (axe-core, WCAG 2 A and AA) on every page, in the states a
// user sees: empty, with tasks, while editing, and with an error shown.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { addTask, signUp } from './helpers';

async function violations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

test('sign-in and sign-up pages have no WCAG A/AA violations', async ({ page }) => {
  await page.goto('/sign-in');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled();
  expect(await violations(page)).toEqual([]);
  await page.goto('/sign-up');
  await expect(page.getByRole('button', { name: 'Sign up' })).toBeEnabled();
  expect(await violations(page)).toEqual([]);
});

test('the tasks page has no WCAG A/AA violations, empty, full, editing and with errors', async ({ page }) => {
  await signUp(page);
  expect(await violations(page)).toEqual([]);

  await addTask(page, 'Buy groceries', 'milk, eggs');
  await addTask(page, 'Call mom');
  await page.getByRole('checkbox', { name: 'Call mom' }).check();
  await expect(page.getByRole('checkbox', { name: 'Call mom' })).toBeChecked();
  expect(await violations(page)).toEqual([]);

  await page.getByRole('button', { name: 'Edit “Buy groceries”' }).click();
  const form = page.getByRole('form', { name: 'Add task' });
  await form.getByLabel('Title').fill(' ');
  await form.getByRole('button', { name: 'Add task' }).click();
  await expect(form.getByText('Give the task a title.')).toBeVisible();
  expect(await violations(page)).toEqual([]);

  // The undo offer after a delete, with focus moved onto it.
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('button', { name: 'Delete “Call mom”' }).click();
  await expect(page.getByRole('button', { name: 'Undo' })).toBeFocused();
  expect(await violations(page)).toEqual([]);
});
