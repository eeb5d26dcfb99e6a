// The assistant and the task list, wired together: a change the assistant reports shows in
// the list without a page reload.
import type { ChatResponse } from '@todo/api-client/browser';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { Workspace } from './Workspace';

const originalFetch = global.fetch;
afterEach(() => {
  global.fetch = originalFetch;
  window.localStorage.clear();
});

const json = (body: unknown, status = 200) =>
  ({ ok: status < 400, status, json: async () => body, headers: { get: () => null } }) as unknown as Response;

it('refreshes the task list after the assistant adds a task', async () => {
  const answer: ChatResponse = {
    conversation_id: 1,
    response: 'Added “Buy milk”.',
    tool_calls: [{ name: 'add_task', arguments: { title: 'Buy milk' }, result: { task_id: 4, status: 'created', title: 'Buy milk' } }],
  };
  const calls: string[] = [];
  global.fetch = jest.fn(async (url: string, init?: RequestInit) => {
    calls.push(`${init?.method ?? 'GET'} ${url}`);
    if (url === '/api/chat') return json(answer);
    if (url.startsWith('/api/conversations')) return json([]);
    if (url.startsWith('/api/tasks')) {
      return json([{ id: 4, title: 'Buy milk', description: null, completed: false, user_id: 'u1', created_at: '', updated_at: '' }]);
    }
    return json({ detail: 'Not Found' }, 404);
  }) as unknown as typeof fetch;

  render(<Workspace userId="u1" initialTasks={[]} />);
  await waitFor(() => expect(screen.getByRole('log')).toHaveAttribute('aria-busy', 'false'));
  fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'add buy milk' } });
  fireEvent.click(screen.getByRole('button', { name: 'Send' }));
  const tasks = screen.getByRole('list', { name: 'Tasks' });
  expect(await within(tasks).findByRole('checkbox', { name: 'Buy milk' })).toBeInTheDocument();
  expect(calls).toContain('POST /api/chat');
  expect(calls.some((c) => c.startsWith('GET /api/tasks'))).toBe(true);
});
