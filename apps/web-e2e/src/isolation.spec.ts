import { expect, test } from './fixtures';
import { addTask, taskList, twoUsers } from './helpers';

test('two users in two browsers never see each other’s tasks', async ({ browser, pageChecks }) => {
  const { alicePage, bobPage, close } = await twoUsers(browser, pageChecks);

  await addTask(alicePage, 'Alice’s secret plan');
  await addTask(bobPage, 'Bob’s shopping');
  await bobPage.reload();
  await alicePage.reload();
  await expect(taskList(alicePage)).toContainText('Alice’s secret plan');
  await expect(taskList(alicePage)).not.toContainText('Bob’s shopping');
  await expect(taskList(bobPage)).toContainText('Bob’s shopping');
  await expect(taskList(bobPage)).not.toContainText('Alice’s secret plan');

  // Bob asks the proxy for Alice's task by id: it does not exist for him.
  const aliceTasks = await (await alicePage.request.get('/api/tasks')).json();
  const aliceId = aliceTasks[0].id as number;
  const stolen = await bobPage.request.get(`/api/tasks/${aliceId}`);
  expect(stolen.status()).toBe(404);
  const deleted = await bobPage.request.delete(`/api/tasks/${aliceId}`);
  expect(deleted.status()).toBe(404);
  await alicePage.reload();
  await expect(taskList(alicePage)).toContainText('Alice’s secret plan');

  await close();
});
