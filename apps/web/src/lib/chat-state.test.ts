import type { ChatMessage, Conversation, ToolCall } from '@todo/api-client/browser';
import {
  changesTasks,
  type ChatEntry,
  chatReducer,
  describeToolCall,
  findSent,
  findStartedConversation,
  MESSAGES_PAGE,
  messageLength,
  rememberConversation,
  storedConversation,
  storedBefore,
  titleMatches,
} from './chat-state';

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

  it('marks an unanswered message as being checked, then as unknown with the reason', () => {
    let entries = chatReducer([user('a', 'x', 'sending')], { type: 'checking', key: 'a' });
    expect(entries[0]).toMatchObject({ status: 'checking' });
    entries = chatReducer(entries, { type: 'unknown', key: 'a', error: 'could not check' });
    expect(entries[0]).toMatchObject({ status: 'unknown', error: 'could not check' });
  });
});

describe('finding a message whose answer never came', () => {
  let id = 0;
  const stored = (role: 'user' | 'assistant', content: string): ChatMessage => ({
    id: ++id, role, content, conversation_id: 5, user_id: 'u1', tool_calls: null, created_at: '2026-01-01T10:00:00Z',
  });
  const assistant = (key: string, content: string): ChatEntry => ({ key, role: 'assistant', content, toolCalls: [], status: 'sent' });
  const known = [user('a', 'show my tasks'), assistant('b', 'None.')];
  const before = [stored('user', 'show my tasks'), stored('assistant', 'None.')];

  it('is there, answered or not, right after what was known', () => {
    expect(findSent(known, [...before, stored('user', 'add milk')], 'add milk')).toEqual({ index: 2, answered: false });
    expect(findSent(known, [...before, stored('user', 'add milk'), stored('assistant', 'Added.')], 'add milk')).toEqual({ index: 2, answered: true });
    expect(findSent([], [stored('user', 'hi'), stored('assistant', 'Hello.')], 'hi')).toEqual({ index: 0, answered: true });
  });

  it('is not an earlier identical message', () => {
    expect(findSent(known, before, 'show my tasks')).toBeNull();
    expect(findSent(known, [...before, stored('user', 'show my tasks')], 'show my tasks')).toEqual({ index: 2, answered: false });
    // The conversation had other messages than the panel knew before it.
    expect(findSent([user('x', 'hello')], [...before, stored('user', 'show my tasks')], 'show my tasks')).toBeNull();
  });

  it('allows an answer the panel never saw between what it knew and the message', () => {
    const waiting = [user('a', 'add milk', 'waiting')];
    const messages = [stored('user', 'add milk'), stored('assistant', 'Added.'), stored('user', 'add eggs')];
    expect(findSent(waiting, messages, 'add eggs')).toEqual({ index: 2, answered: false });
    expect(findSent(waiting, [stored('user', 'add milk'), stored('user', 'other')], 'add eggs')).toBeNull();
  });

  it('aligns on what overlaps when a full page lost the oldest messages', () => {
    const long = Array.from({ length: MESSAGES_PAGE + 10 }, (_, i) => (i % 2 ? assistant(`k${i}`, `a${i}`) : user(`k${i}`, `u${i}`)));
    const page = long.slice(-(MESSAGES_PAGE - 1)).map((e) => stored(e.role, e.content));
    expect(findSent(long, [...page, stored('user', 'new')], 'new')).toEqual({ index: MESSAGES_PAGE - 1, answered: false });
    expect(findSent(long, [...page.slice(1), stored('assistant', 'other'), stored('user', 'zzz')], 'u108')).toBeNull();
  });

  it('knows what was stored before a message: not refused ones, nor what came after it', () => {
    const entries = [user('a', 'x'), user('b', 'y', 'failed'), user('c', 'z', 'waiting'), user('d', 'w'), user('e', 'v', 'sending')];
    expect(storedBefore(entries, 'c').map((e) => e.key)).toEqual(['a']);
    expect(storedBefore(entries, 'e').map((e) => e.key)).toEqual(['a', 'c', 'd']);
  });
});

describe('finding the conversation a first message started', () => {
  const conversation = (id: number, title: string, created_at = '2026-01-01T10:00:00Z'): Conversation => ({
    id, title, user_id: 'u1', created_at, updated_at: created_at,
  });

  it('matches the title the API makes of the message', () => {
    expect(titleMatches('add buy milk', '  add  buy\nmilk ')).toBe(true);
    expect(titleMatches('add buy…', 'add buy milk and eggs')).toBe(true);
    expect(titleMatches('add buy milk', 'add buy')).toBe(false);
    expect(titleMatches('…', 'anything')).toBe(false);
  });

  it('takes the newest matching one newer than all those known before', () => {
    const list = [conversation(9, 'other'), conversation(8, 'hi'), conversation(4, 'hi')];
    expect(findStartedConversation(list, 'hi', [4], 0)?.id).toBe(8);
    expect(findStartedConversation(list, 'hi', [4, 8], 0)).toBeNull();
    expect(findStartedConversation(list, 'hi', [], 0)?.id).toBe(8);
  });

  it('without a known list, takes one created since the send (give or take the clocks)', () => {
    const sentAt = Date.parse('2026-01-01T10:00:00Z');
    const list = [conversation(8, 'hi', '2026-01-01T09:58:00Z'), conversation(4, 'hi', '2025-12-01T10:00:00Z')];
    expect(findStartedConversation(list, 'hi', null, sentAt)?.id).toBe(8);
    expect(findStartedConversation([list[1]!], 'hi', null, sentAt)).toBeNull();
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
    const reopen = call('update_task', { task_id: 4, status: 'updated', title: 'Buy milk' }, { task_id: 4, completed: false });
    expect(describeToolCall(reopen)).toEqual({ text: 'Reopened “Buy milk”', failed: false });
    const reopenAndNote = call('update_task', { task_id: 4, status: 'updated', title: 'Buy milk' }, { task_id: 4, completed: false, description: 'oat' });
    expect(describeToolCall(reopenAndNote)).toEqual({ text: 'Updated “Buy milk”', failed: false });
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
