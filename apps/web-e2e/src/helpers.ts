import { type APIRequest, type APIRequestContext, type Browser, expect, type Page } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { watchContext } from './fixtures';
import { E2E_CLIENT_ADDRESS_HEADER } from './stack';

export const PASSWORD = 'correct horse battery';

export function newEmail(label = 'user'): string {
  return `${label}-${randomUUID().slice(0, 8)}@example.com`;
}

export async function signUp(page: Page, email = newEmail()): Promise<string> {
  await page.goto('/sign-up');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByRole('heading', { name: 'Your tasks' })).toBeVisible();
  return email;
}

/**
 * Two new users, each signed up in a browser context of their own (separate cookies), for
 * the isolation tests; the contexts are watched like the test's own (`pageChecks`).
 * `close()` ends both contexts.
 */
export async function twoUsers(
  browser: Browser,
  pageChecks: string[],
): Promise<{ alicePage: Page; bobPage: Page; close: () => Promise<void> }> {
  const contexts = [await browser.newContext(), await browser.newContext()];
  for (const context of contexts) watchContext(context, pageChecks);
  const [alicePage, bobPage] = await Promise.all(contexts.map((context) => context.newPage()));
  await signUp(alicePage!);
  await signUp(bobPage!);
  return { alicePage: alicePage!, bobPage: bobPage!, close: async () => void (await Promise.all(contexts.map((c) => c.close()))) };
}

export async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function addTask(page: Page, title: string, description = ''): Promise<void> {
  const form = page.getByRole('form', { name: 'Add task' });
  await form.getByLabel('Title').fill(title);
  if (description) await form.getByLabel('Description (optional)').fill(description);
  await form.getByRole('button', { name: 'Add task' }).click();
  // Confirmed by the API: the optimistic row is busy until then.
  await expect(page.locator('li.task:not([aria-busy="true"])', { hasText: title })).toBeVisible();
}

export const taskList = (page: Page) => page.getByRole('list', { name: 'Tasks' });

/** Our alerts (Next.js adds an empty route announcer with the same role). */
export const alertIn = (page: Page) =>
  page.locator('[role="alert"]:not(#__next-route-announcer__)').filter({ hasText: /\S/ });

/** The notice a page shows when its scripts never ran (hydration removes it). */
export const notice = (page: Page) => page.locator('[data-not-started]');

/** The assistant's panel: a complementary region beside the tasks on wide screens, a modal dialog (drawer) on narrow ones. */
export const chatPanel = (page: Page) =>
  page.getByRole('complementary', { name: 'Assistant' }).or(page.getByRole('dialog', { name: 'Assistant' }));
/** Its messages (not a live region: replies are announced by chatStatus). */
export const chatLog = (page: Page) => chatPanel(page).getByRole('region', { name: 'Conversation with the assistant' });
/** The one live region of the panel: new replies and errors. */
export const chatStatus = (page: Page) => page.locator('[data-chat-status]');

/** Sends one message to the assistant and waits for its answer. */
export async function say(page: Page, text: string): Promise<void> {
  const log = chatLog(page);
  await expect(log).toHaveAttribute('aria-busy', 'false'); // history loaded, no turn running
  const answers = await log.locator('.from-assistant').count();
  const box = chatPanel(page).getByLabel('Message', { exact: true });
  await box.fill(text);
  await box.press('Enter');
  await expect(log.locator('.from-assistant')).toHaveCount(answers + 1, { timeout: 30_000 });
  await expect(log).toHaveAttribute('aria-busy', 'false');
}

/** The text of the assistant's latest answer. */
export const lastAnswer = (page: Page) => chatLog(page).locator('.from-assistant').last();

// The sign-in limit specs' client: HTTP only, as a password-guessing script would be.
export const LIMIT = 10; // apps/web/src/lib/server/account-throttle.mjs ACCOUNT_LIMIT.maxFailures

export async function client(request: APIRequest, origin: string, address: string): Promise<APIRequestContext> {
  return request.newContext({ baseURL: origin, extraHTTPHeaders: { Origin: origin, [E2E_CLIENT_ADDRESS_HEADER]: address } });
}

export async function signUpBy(request: APIRequestContext): Promise<string> {
  const email = newEmail('owner');
  const answer = await request.post('/api/auth/sign-up/email', { data: { email, password: PASSWORD, name: 'Owner' } });
  expect(answer.status()).toBe(200);
  return email;
}

export const guess = (request: APIRequestContext, email: string, i: number) =>
  request.post('/api/auth/sign-in/email', {
    data: { email, password: `not-the-password-${i}` },
    headers: { 'X-Forwarded-For': `203.0.113.${(i % 250) + 1}` },
  });

