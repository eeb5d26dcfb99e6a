// Automated accessibility checks (axe-core, WCAG 2 A and AA) on every page, in the states a
// user sees: empty, with tasks, while editing, and with an error shown; the assistant's panel
// beside the list and as an open drawer on a phone.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from './fixtures';
import { addTask, chatLog, chatPanel, say, signUp } from './helpers';
import { startApi, stopApi } from './stack';

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

test('the assistant’s panel has no WCAG A/AA violations, empty, talking, and as an open drawer', async ({ page }) => {
  await signUp(page);
  await expect(chatLog(page)).toHaveAttribute('aria-busy', 'false');
  expect(await violations(page)).toEqual([]);

  await say(page, 'add buy milk');
  await say(page, 'show my tasks');
  await chatPanel(page).getByText('Past conversations').click();
  await expect(chatPanel(page).getByRole('list', { name: 'Past conversations' })).toBeVisible();
  expect(await violations(page)).toEqual([]);

  // Over the limit: the counter and the message say so.
  await chatPanel(page).getByLabel('Message', { exact: true }).fill('x'.repeat(2001));
  await expect(chatPanel(page).getByText('Keep messages to 2000 characters.')).toBeVisible();
  expect(await violations(page)).toEqual([]);

  await page.setViewportSize({ width: 375, height: 740 });
  await page.getByRole('button', { name: 'Assistant', exact: true }).click();
  await expect(chatPanel(page)).toBeVisible();
  expect(await violations(page)).toEqual([]);
});

test('the assistant as an open drawer on a phone is a labelled modal dialog with no WCAG A/AA violations', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signUp(page);
  await page.getByRole('button', { name: 'Assistant', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Assistant' });
  await expect(dialog).toHaveAttribute('aria-modal', 'true');
  await expect(chatLog(page)).toHaveAttribute('aria-busy', 'false');
  expect(await violations(page)).toEqual([]);

  await say(page, 'add buy milk');
  await chatPanel(page).getByText('Past conversations').click();
  await expect(chatPanel(page).getByRole('list', { name: 'Past conversations' })).toBeVisible();
  expect(await violations(page)).toEqual([]);
});

test('a message whose answer did not come (and could not be checked) has no WCAG A/AA violations', async ({ page }) => {
  // Stops and restarts the API: its cold start alone can take half a minute on a busy 2-core machine.
  test.slow();
  await signUp(page);
  await expect(chatLog(page)).toHaveAttribute('aria-busy', 'false');
  await stopApi();
  try {
    const box = chatPanel(page).getByLabel('Message', { exact: true });
    await box.fill('add buy milk');
    await box.press('Enter');
    await expect(chatLog(page).getByRole('button', { name: 'Check again' })).toBeVisible();
    expect(await violations(page)).toEqual([]);
  } finally {
    await startApi();
  }
  await chatLog(page).getByRole('button', { name: 'Check again' }).click();
  await expect(chatLog(page).getByRole('button', { name: 'Retry sending' })).toBeVisible();
  expect(await violations(page)).toEqual([]);
});
