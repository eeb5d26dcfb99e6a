// The assistant, end to end: the real API with its default (offline) assistant behind the web
// proxy. What it does shows in the task list at once, and the conversation survives a reload.
import { expect, test } from './fixtures';
import { chatLog, chatPanel, chatStatus, lastAnswer, say, signUp, taskList, twoUsers } from './helpers';
import { startApi, stopApi } from './stack';

test('add and complete a task by chat; the list follows; a reload keeps the conversation', async ({ page }) => {
  await signUp(page);
  await expect(chatPanel(page).getByRole('button', { name: 'Add a task to buy groceries' })).toBeVisible(); // empty state

  await say(page, 'add buy milk');
  const milk = taskList(page).getByRole('checkbox', { name: 'Buy milk' });
  await expect(milk).toBeVisible(); // no page reload
  await expect(milk).not.toBeChecked();

  await say(page, 'mark it done');
  await expect(milk).toBeChecked();
  await expect(page.getByText('0 pending of 1')).toBeVisible();

  await page.reload();
  const log = chatLog(page);
  await expect(log.getByText('add buy milk')).toBeVisible();
  await expect(log.getByText('mark it done')).toBeVisible();
  await expect(log.locator('.from-assistant')).toHaveCount(2);
  await expect(taskList(page).getByRole('checkbox', { name: 'Buy milk' })).toBeChecked();

  // The same conversation goes on after the reload, and is the one listed.
  await say(page, 'show my tasks');
  await expect(log.locator('.from-user')).toHaveCount(3);
  // The listed task is a list item with its done mark and number, not "- [x] Buy milk (#n)".
  const listed = lastAnswer(page).getByRole('listitem').filter({ hasText: 'Buy milk' }); // not the tool chips
  await expect(listed).toHaveCount(1);
  await expect(listed).toHaveText(/^✓Done: Buy milk #\d+task number \d+$/);
  await expect(lastAnswer(page)).not.toContainText('- [');
  const number = (scope: ReturnType<typeof lastAnswer>) => scope.getByTitle(/^Task number/).locator('[aria-hidden="true"]');
  await expect(number(listed)).toHaveText(/^#\d+$/);
  await expect(number(listed)).toHaveText((await number(taskList(page).getByRole('listitem')).textContent())!);
  const conversations = (await (await page.request.get('/api/conversations')).json()) as { id: number }[];
  expect(conversations).toHaveLength(1);

  // A new conversation starts empty; the old one is still there to open.
  await chatPanel(page).getByRole('button', { name: 'New conversation' }).click();
  await expect(log.locator('.bubble')).toHaveCount(0);
  await chatPanel(page).getByText('Past conversations').click();
  await chatPanel(page).getByRole('list', { name: 'Past conversations' }).getByRole('button', { name: /^add buy milk/i }).click();
  await expect(log.getByText('mark it done')).toBeVisible();
});

test('a second user’s chat never touches or sees the first user’s tasks or conversations', async ({ browser, pageChecks }) => {
  const { alicePage, bobPage, close } = await twoUsers(browser, pageChecks);

  await say(alicePage, 'add buy milk');
  await expect(taskList(alicePage).getByRole('checkbox', { name: 'Buy milk' })).toBeVisible();

  await say(bobPage, 'delete buy milk');
  await say(bobPage, 'show my tasks');
  await expect(lastAnswer(bobPage)).not.toContainText('Buy milk');
  await expect(taskList(bobPage).getByRole('listitem')).toHaveCount(0);

  // What Bob's assistant did, as stored: it found nothing to delete and listed nothing.
  const [bobConversation] = (await (await bobPage.request.get('/api/conversations')).json()) as { id: number }[];
  const bobMessages = (await (await bobPage.request.get(`/api/conversations/${bobConversation!.id}/messages`)).json()) as {
    tool_calls: { name: string; result: unknown }[] | null;
  }[];
  const bobCalls = bobMessages.flatMap((m) => m.tool_calls ?? []);
  for (const call of bobCalls) {
    if (call.name === 'list_tasks') expect(call.result).toEqual([]);
    if (call.name === 'delete_task') expect(call.result).toHaveProperty('error');
  }

  // Alice's task is untouched.
  await alicePage.reload();
  await expect(taskList(alicePage).getByRole('checkbox', { name: 'Buy milk' })).not.toBeChecked();

  // Bob cannot read or continue Alice's conversation through the proxy.
  const [aliceConversation] = (await (await alicePage.request.get('/api/conversations')).json()) as { id: number }[];
  expect((await bobPage.request.get(`/api/conversations/${aliceConversation!.id}/messages`)).status()).toBe(404);
  const hijack = await bobPage.request.post('/api/chat', { data: { conversation_id: aliceConversation!.id, message: 'delete buy milk' } });
  expect(hijack.status()).toBe(404);
  expect((await bobPage.request.delete(`/api/conversations/${aliceConversation!.id}`)).status()).toBe(404);
  await alicePage.reload();
  await expect(chatLog(alicePage).getByText('add buy milk')).toBeVisible();
  await expect(taskList(alicePage).getByRole('checkbox', { name: 'Buy milk' })).toBeVisible();

  await close();
});

test('on a phone the assistant is a modal drawer: open it, add a task by chat, Escape back to the list', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signUp(page);
  const toggle = page.getByRole('button', { name: 'Assistant', exact: true });
  await expect(chatPanel(page)).toBeHidden();
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  const dialog = page.getByRole('dialog', { name: 'Assistant' });
  await expect(dialog).toHaveAttribute('aria-modal', 'true');
  await expect(chatPanel(page).getByLabel('Message', { exact: true })).toBeFocused();
  // The page behind is inert, and Tab goes round inside the drawer.
  await expect(page.locator('header')).toHaveAttribute('inert', '');
  await expect(page.locator('main > .board')).toHaveAttribute('inert', '');
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press(i % 3 ? 'Tab' : 'Shift+Tab');
    expect(await page.evaluate(() => Boolean(document.activeElement?.closest('#chat-panel')))).toBe(true);
  }

  await say(page, 'add buy milk');
  await expect(chatStatus(page)).toContainText('Assistant said:');
  await page.keyboard.press('Escape');
  await expect(chatPanel(page)).toBeHidden();
  await expect(toggle).toBeFocused();
  await expect(page.locator('header')).not.toHaveAttribute('inert', '');
  await expect(taskList(page).getByRole('checkbox', { name: 'Buy milk' })).toBeVisible();
});

test('a message sent while the API is down is checked for before it is offered again, and Retry sends it once', async ({ page }) => {
  // Stops and restarts the API: its cold start alone can take half a minute on a busy 2-core machine.
  test.slow();
  await signUp(page);
  const log = chatLog(page);
  await expect(log).toHaveAttribute('aria-busy', 'false');
  await stopApi();
  try {
    const box = chatPanel(page).getByLabel('Message', { exact: true });
    await box.fill('add buy milk');
    await box.press('Enter');
    // It may have arrived before the connection broke, and the check cannot reach the API either.
    await expect(log.getByText(/^No answer yet — the assistant may still be working\. Could not check/)).toBeVisible();
    await expect(log.getByRole('button', { name: 'Retry sending' })).toHaveCount(0);
    await expect(chatStatus(page)).toContainText('No answer yet');
  } finally {
    await startApi();
  }
  await log.getByRole('button', { name: 'Check again' }).click();
  await expect(log.getByText('Not sent. The assistant is not answering right now.')).toBeVisible();
  await log.getByRole('button', { name: 'Retry sending' }).click();
  await expect(log.locator('.from-assistant')).toHaveCount(1);
  await expect(log.locator('.from-user')).toHaveCount(1); // sent again, not copied
  await expect(log.getByText(/Not sent|No answer yet/)).toHaveCount(0);
  await expect(taskList(page).getByRole('checkbox', { name: 'Buy milk' })).toBeVisible();
  const conversations = (await (await page.request.get('/api/conversations')).json()) as unknown[];
  expect(conversations).toHaveLength(1);
});
