import type { Task } from '@todo/api-client';
import { render, screen, within } from '@testing-library/react';
import type { ChatEntry } from '../lib/chat-state';
import { MessageBubble } from './MessageBubble';
import { TaskItem } from './TaskItem';

const entry = (role: ChatEntry['role'], content: string): ChatEntry => ({ key: 'k', role, content, toolCalls: [], status: 'sent' });
const bubble = (role: ChatEntry['role'], content: string) =>
  render(<MessageBubble entry={entry(role, content)} idle onRetry={() => {}} onCheck={() => {}} />).container;

describe('MessageBubble', () => {
  it('shows the assistant’s checklist as a list: done marks in words, task numbers as the task list shows them', () => {
    bubble('assistant', 'You have 2 tasks (1 pending, 1 done):\n- [ ] Water the plants (#111)\n- [x] Buy milk (#4)');
    expect(screen.getByText('You have 2 tasks (1 pending, 1 done):').tagName).toBe('P');
    const items = within(screen.getByRole('list')).getAllByRole('listitem');
    expect(items.map((item) => item.textContent)).toEqual([
      '○Not done: Water the plants #111task number 111',
      '✓Done: Buy milk #4task number 4',
    ]);
    expect(items[1]).toHaveClass('done');
    expect(within(items[0]!).getByTitle('Task number — say “complete 111” to the assistant')).toHaveTextContent('#111');
    expect(screen.queryByText(/\[ \]|\[x\]|\(#/)).toBeNull(); // no raw syntax left
    expect(screen.queryByRole('checkbox')).toBeNull(); // a mark, not a control
  });

  it('renders the LLM’s Markdown: emphasis, code, ordered lists', () => {
    const container = bubble('assistant', 'Here is **the plan**:\n1. Call *mom*\n2. Run `npm test`');
    expect(container.querySelector('strong')).toHaveTextContent('the plan');
    expect(container.querySelector('ol em')).toHaveTextContent('mom');
    expect(container.querySelector('ol code')).toHaveTextContent('npm test');
  });

  it('never interprets HTML or links from the model', () => {
    const container = bubble('assistant', '<img src=x onerror=alert(1)> **<b>hi</b>**\n- [ ] <script>alert(1)</script> (#2)\n[x](javascript:alert(1))');
    expect(container.querySelector('img, script, b, a')).toBeNull();
    expect(container).toHaveTextContent('<img src=x onerror=alert(1)> <b>hi</b>');
    expect(screen.getByRole('listitem')).toHaveTextContent('<script>alert(1)</script>');
    expect(container).toHaveTextContent('[x](javascript:alert(1))');
  });

  it('keeps the user’s own words exactly as typed, Markdown and all', () => {
    const container = bubble('user', '- [ ] **not a list** <i>x</i>');
    expect(container.querySelector('.bubble-text')!.textContent).toBe('- [ ] **not a list** <i>x</i>');
    expect(screen.queryByRole('list')).toBeNull();
  });
});

describe('TaskItem', () => {
  const task = (id: number): Task => ({
    id, title: 'Buy milk', completed: false, description: null, user_id: 'u1', created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z',
  });
  const row = (id: number) => render(<ul><TaskItem task={task(id)} busy={false} onUpdate={async () => null} onDelete={() => {}} /></ul>);

  it('shows the task’s number, explained, outside the checkbox’s name', () => {
    row(4);
    expect(screen.getByTitle('Task number — say “complete 4” to the assistant')).toHaveTextContent('#4');
    expect(screen.getByRole('checkbox', { name: 'Buy milk' })).toBeInTheDocument();
  });

  it('shows no number before the API has given one', () => {
    row(-1);
    expect(screen.queryByTitle(/Task number/)).toBeNull();
  });
});
