import { expect, test } from './fixtures';
import { addTask, signUp, taskList } from './helpers';

test('create, edit, complete, filter, search and delete tasks; reload keeps them', async ({ page }) => {
  await signUp(page);
  await expect(page.getByText('No tasks yet')).toBeVisible();

  await addTask(page, 'Buy groceries', 'milk, eggs');
  await addTask(page, 'Call mom');
  await addTask(page, 'Pay bills');
  await expect(taskList(page).getByRole('listitem')).toHaveCount(3);
  await expect(taskList(page)).toContainText('milk, eggs');

  // Edit
  await page.getByRole('button', { name: 'Edit “Call mom”' }).click();
  const editor = page.getByRole('form', { name: 'Save' });
  await editor.getByLabel('Title').fill('Call mom tonight');
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(taskList(page).getByText('Call mom tonight')).toBeVisible();

  // Complete, reopen, complete again
  const payBills = page.getByRole('checkbox', { name: 'Pay bills' });
  await payBills.check();
  await expect(payBills).toBeChecked();
  await expect(page.getByText('2 pending of 3')).toBeVisible();
  await payBills.uncheck();
  await expect(payBills).not.toBeChecked();
  await expect(page.getByText('3 pending of 3')).toBeVisible();
  await payBills.check();
  await expect(payBills).toBeChecked();

  // Filter
  await page.getByRole('button', { name: 'Completed', exact: true }).click();
  await expect(taskList(page).getByRole('listitem')).toHaveCount(1);
  await expect(taskList(page)).toContainText('Pay bills');
  await page.getByRole('button', { name: 'Pending', exact: true }).click();
  await expect(taskList(page).getByRole('listitem')).toHaveCount(2);
  await page.getByRole('button', { name: 'All', exact: true }).click();

  // Search (title or description)
  await page.getByRole('searchbox', { name: 'Search tasks' }).fill('EGGS');
  await expect(taskList(page).getByRole('listitem')).toHaveCount(1);
  await expect(taskList(page)).toContainText('Buy groceries');
  await page.getByRole('searchbox', { name: 'Search tasks' }).fill('');

  // Delete, undo, delete again
  await page.getByRole('button', { name: 'Delete “Buy groceries”' }).click();
  await expect(taskList(page).getByText('Buy groceries')).toHaveCount(0);
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(taskList(page).getByText('Buy groceries')).toBeVisible();
  await page.getByRole('button', { name: 'Delete “Buy groceries”' }).click();
  await expect(taskList(page).getByText('Buy groceries')).toHaveCount(0);

  // Everything above was stored: a reload shows the same list.
  await page.reload();
  await expect(taskList(page).getByRole('listitem')).toHaveCount(2);
  await expect(page.getByRole('checkbox', { name: 'Pay bills' })).toBeChecked();
  await expect(taskList(page).getByText('Call mom tonight')).toBeVisible();
});

test('the form mirrors the API limits and keyboard alone is enough', async ({ page }) => {
  await signUp(page);
  const form = page.getByRole('form', { name: 'Add task' });
  await form.getByLabel('Title').fill('x'.repeat(201));
  await form.getByLabel('Title').press('Enter');
  await expect(form.getByText('Keep the title to 200 characters')).toBeVisible();
  await expect(taskList(page).getByRole('listitem')).toHaveCount(0);

  await form.getByLabel('Title').fill('Typed and sent with Enter');
  await form.getByLabel('Title').press('Enter');
  await expect(page.getByRole('checkbox', { name: 'Typed and sent with Enter' })).toBeEnabled();
  await page.getByRole('checkbox', { name: 'Typed and sent with Enter' }).focus();
  await page.keyboard.press('Space');
  await expect(page.getByRole('checkbox', { name: 'Typed and sent with Enter' })).toBeChecked();
});

test('the layout fits a phone', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await signUp(page);
  await addTask(page, 'A task on a small screen with a rather long title that has to wrap nicely');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
