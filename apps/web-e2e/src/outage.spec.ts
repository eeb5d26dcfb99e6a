import { expect, test } from './fixtures';
import { addTask, alertIn, signUp, taskList } from './helpers';
import { startApi, stopApi } from './stack';

test('the API stopped mid-session shows a retryable error, loses no edit, and recovers', async ({ page, request }) => {
  // Stops and restarts the API: its cold start alone can take half a minute on a busy 2-core machine.
  test.slow();
  await signUp(page);
  await addTask(page, 'Written before the outage');

  await stopApi();
  try {
    const form = page.getByRole('form', { name: 'Add task' });
    await form.getByLabel('Title').fill('Written during the outage');
    await form.getByRole('button', { name: 'Add task' }).click();
    await expect(alertIn(page)).toContainText('not answering');
    await expect(form.getByLabel('Title')).toHaveValue('Written during the outage'); // kept
    await expect(taskList(page).getByText('Written during the outage')).toHaveCount(0); // rolled back

    // A reload while the API is down shows the error, not a blank page.
    await page.reload();
    await expect(alertIn(page)).toContainText('not answering');
    await expect(page.getByRole('button', { name: 'Retry' })).toBeVisible();

    // The web stays live and ready: its Service keeps serving the page and the error.
    expect((await request.get('/api/healthz')).status()).toBe(200);
    expect(await (await request.get('/api/readyz')).json()).toEqual({ status: 'ready' });
  } finally {
    await startApi();
  }

  await page.getByRole('button', { name: 'Retry' }).click();
  await expect(alertIn(page)).toHaveCount(0);
  await expect(taskList(page).getByText('Written before the outage')).toBeVisible();
  await addTask(page, 'Written after the outage');
});
