import type { ToolCall } from '@todo/api-client/browser';
import { changesTasks, type ChatEntry, chatReducer, describeToolCall, messageLength, rememberConversation, storedConversation } from './chat-state';

const call = (name: string, result: ToolCall['result'], args: ToolCall['arguments'] = {}): ToolCall => ({ name, arguments: args, result });
const user = (key: string, content: string, status: ChatEntry['status'] = 'sent'): ChatEntry => ({ key, role: 'user', content, toolCalls: [], status });

describe('chatReducer', () => {
  it('appends a new message as sending, then marks it sent with the answer after it', () => {
    let entries = chatReducer([], { type: 'sending', key: 'a', content: 'hi' });
    expect(entries).toEqual([user('a', 'hi', 'sending')]);
    const answer: ChatEntry = { key: 'b', role: 'assistant', content: 'hello', toolCalls: [], status: 'sent' };
    entries = chatReducer(entries, { type: 'answered', key: 'a', reply: answer });
    expect(entries.map((e) => [e.key, e.status])).toEqual([['a', 'sent'], ['b', 'sent']]);
  });

  it('moves a failed message to the end when sent again, never copying it', () => {
    let entries = chatReducer([user('a', 'first')], { type: 'failed', key: 'a', error: 'down' });
    expect(entries[0]).toMatchObject({ status: 'failed', error: 'down' });
    entries = chatReducer([...entries, user('b', 'later')], { type: 'sending', key: 'a', content: 'first' });
    expect(entries.map((e) => e.key)).toEqual(['b', 'a']);
    expect(entries[1]).toMatchObject({ status: 'sending' });
    expect(entries[1]!.error).toBeUndefined();
  });

  it('withdraws a refused message', () => {
    expect(chatReducer([user('a', 'x')], { type: 'withdrawn', key: 'a' })).toEqual([]);
  });
});

describe('tool calls', () => {
  const added = call('add_task', { task_id: 4, status: 'created', title: 'Buy milk' });
  it('change the tasks when a changing tool succeeded', () => {
    expect(changesTasks([added])).toBe(true);
    expect(changesTasks([call('complete_task', { task_id: 4, status: 'completed', title: 'Buy milk' })])).toBe(true);
    expect(changesTasks([call('list_tasks', [])])).toBe(false);
    expect(changesTasks([call('delete_task', { error: 'not_found', message: 'There is no task with id 9.' })])).toBe(false);
    expect(changesTasks([])).toBe(false);
  });

  it('read as short lines', () => {
    expect(describeToolCall(added)).toEqual({ text: 'Added “Buy milk”', failed: false });
    expect(describeToolCall(call('delete_task', { task_id: 2, status: 'deleted' }))).toEqual({ text: 'Deleted task 2', failed: false });
    expect(describeToolCall(call('list_tasks', [{ id: 1 }]))).toEqual({ text: 'Looked at 1 task', failed: false });
    expect(describeToolCall(call('complete_task', { error: 'not_found', message: 'There is no task with id 9.' }))).toEqual({
      text: 'There is no task with id 9.',
      failed: true,
    });
  });
});

it('counts characters as the API does (trimmed, code points)', () => {
  expect(messageLength('  hi  ')).toBe(2);
  expect(messageLength('😀')).toBe(1);
});

describe('the remembered conversation', () => {
  beforeEach(() => window.localStorage.clear());
  it('is kept per user', () => {
    rememberConversation('u1', 5);
    rememberConversation('u2', 'new');
    expect(storedConversation('u1')).toBe(5);
    expect(storedConversation('u2')).toBe('new');
    expect(storedConversation('u3')).toBeNull();
    rememberConversation('u1', null);
    expect(storedConversation('u1')).toBeNull();
  });

  it('ignores what it did not write', () => {
    window.localStorage.setItem('todo.chat.conversation.u1', '-3');
    expect(storedConversation('u1')).toBeNull();
    window.localStorage.setItem('todo.chat.conversation.u1', 'abc');
    expect(storedConversation('u1')).toBeNull();
  });
});
