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

const chatLog = () => screen.getByRole('region', { name: 'Conversation with the assistant' });

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
  await waitFor(() => expect(chatLog()).toHaveAttribute('aria-busy', 'false'));
  fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'add buy milk' } });
  fireEvent.click(screen.getByRole('button', { name: 'Send' }));
  const tasks = screen.getByRole('list', { name: 'Tasks' });
  expect(await within(tasks).findByRole('checkbox', { name: 'Buy milk' })).toBeInTheDocument();
  expect(calls).toContain('POST /api/chat');
  expect(calls.some((c) => c.startsWith('GET /api/tasks'))).toBe(true);
});

it('after a chat timeout shows what the assistant did anyway, in the chat and the task list, and sends nothing twice', async () => {
  const milk = { id: 4, title: 'Buy milk', description: null, completed: false, user_id: 'u1', created_at: '', updated_at: '' };
  const conversation = { id: 1, title: 'add buy milk', user_id: 'u1', created_at: '2026-01-01T10:00:00Z', updated_at: '2026-01-01T10:00:00Z' };
  const stored = [
    { id: 1, role: 'user', content: 'add buy milk', conversation_id: 1, user_id: 'u1', tool_calls: null, created_at: '' },
    {
      id: 2, role: 'assistant', content: 'Added “Buy milk”.', conversation_id: 1, user_id: 'u1', created_at: '',
      tool_calls: [{ name: 'add_task', arguments: { title: 'Buy milk' }, result: { task_id: 4, status: 'created', title: 'Buy milk' } }],
    },
  ];
  let turnDone = false;
  const calls: string[] = [];
  global.fetch = jest.fn(async (url: string, init?: RequestInit) => {
    calls.push(`${init?.method ?? 'GET'} ${url}`);
    // The proxy gave up after 60 s; the API finished the turn anyway.
    if (url === '/api/chat') {
      turnDone = true;
      return json({ detail: 'the assistant took too long to answer; it may still finish, so check before trying again' }, 504);
    }
    if (url === '/api/conversations/1/messages') return json(stored);
    if (url.startsWith('/api/conversations')) return json(turnDone ? [conversation] : []);
    if (url.startsWith('/api/tasks')) return json(turnDone ? [milk] : []);
    return json({ detail: 'Not Found' }, 404);
  }) as unknown as typeof fetch;

  render(<Workspace userId="u1" initialTasks={[]} />);
  await waitFor(() => expect(chatLog()).toHaveAttribute('aria-busy', 'false'));
  fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'add buy milk' } });
  fireEvent.click(screen.getByRole('button', { name: 'Send' }));
  expect(await within(chatLog()).findByText('Added “Buy milk”.')).toBeInTheDocument();
  const tasks = screen.getByRole('list', { name: 'Tasks' });
  expect(await within(tasks).findByRole('checkbox', { name: 'Buy milk' })).toBeInTheDocument();
  expect(within(chatLog()).queryByText(/Not sent/)).toBeNull();
  expect(screen.queryByRole('button', { name: 'Retry sending' })).toBeNull();
  expect(calls.filter((c) => c === 'POST /api/chat')).toHaveLength(1);
});
