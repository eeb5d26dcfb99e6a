// One request followed from the browser through the web server's log into the API's, by the
// X-Request-ID the browser got back; and the web server's metrics count what it proxied.
// Reads the log files and metrics port of the processes this suite starts itself, so it does
// not run against the images (playwright.config.ts).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from './fixtures';
import { addTask, signUp } from './helpers';
import { ports, readState, root } from './stack';

const logLines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

test('a task created in the browser is found by its request id in the web log and the API log', async ({ page }) => {
  await signUp(page);
  const created = page.waitForResponse((r) => r.url().endsWith('/api/tasks') && r.request().method() === 'POST');
  await addTask(page, 'Follow me through the logs');
  const id = (await created).headers()['x-request-id'];
  expect(id).toMatch(/^[0-9a-f]{32}$/);

  const { specs } = readState();
  await expect
    .poll(() => logLines(specs.web!.log).filter((l) => l.request_id === id))
    .toEqual([expect.objectContaining({ logger: 'web.request', method: 'POST', path: '/api/tasks', status: 201 })]);
  await expect
    .poll(() => logLines(specs.api!.log).filter((l) => l.request_id === id && l.msg === 'request'))
    .toEqual([expect.objectContaining({ method: 'POST', path: '/api/{user_id}/tasks', status: 201 })]);
  expect(path.basename(specs.web!.log)).toBe(`web-${ports.web}.log`);
});

test('the web server counts proxied calls and sign-ups on its own metrics port', async ({ page, request }) => {
  await signUp(page);
  await addTask(page, 'Counted');
  const metrics = await (await request.get(`http://127.0.0.1:${ports.web + 1000}/metrics`)).text();
  expect(metrics).toMatch(/todo_web_proxy_request_duration_seconds_count\{route="tasks",method="POST",status="201"\} [1-9]/);
  expect(metrics).toMatch(/todo_web_auth_attempts_total\{action="sign_up",outcome="success"\} [1-9]/);
  expect(metrics).toMatch(/todo_web_process_resident_memory_bytes \d+/);
  // The build's version, inlined by next.config.ts (the server is not started through npm).
  const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  expect(metrics).toContain(`todo_web_build_info{version="${version}",node="${process.versions.node}"} 1`);
  // The public port does not serve them.
  expect((await request.get('/metrics')).status()).toBe(404);
});
