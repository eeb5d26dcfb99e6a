import { ApiError } from '@todo/api-client';
import { type ChatApi, type ChatMessage, type ChatResponse, type Conversation, RetryLaterError } from '@todo/api-client/browser';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { ChatPanel } from './ChatPanel';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const reply = (response: string, tool_calls: ChatResponse['tool_calls'] = [], conversation_id = 5): ChatResponse => ({
  conversation_id,
  response,
  tool_calls,
});
const conversation = (id: number, title: string): Conversation => ({
  id, title, user_id: 'u1', created_at: '2026-01-01T10:00:00Z', updated_at: '2026-01-01T10:00:00Z',
});
const message = (id: number, role: 'user' | 'assistant', content: string, conversation_id = 5): ChatMessage => ({
  id, role, content, conversation_id, user_id: 'u1', tool_calls: null, created_at: '2026-01-01T10:00:00Z',
});

function fakeApi(overrides: Partial<ChatApi> = {}): ChatApi {
  return {
    send: jest.fn(async () => reply('ok')),
    listConversations: jest.fn(async () => []),
    messages: jest.fn(async () => []),
    deleteConversation: jest.fn(async () => undefined),
    ...overrides,
  } as ChatApi;
}

const STORAGE_KEY = 'todo.chat.conversation.u1';
const input = () => screen.getByLabelText('Message');
const log = () => screen.getByRole('log');
const sendButton = () => screen.getByRole('button', { name: 'Send' });

async function renderPanel(api: ChatApi, onTasksChanged = jest.fn()) {
  render(<ChatPanel userId="u1" api={api} onTasksChanged={onTasksChanged} />);
  await waitFor(() => expect(log()).toHaveAttribute('aria-busy', 'false'));
  return onTasksChanged;
}

function type(text: string) {
  fireEvent.change(input(), { target: { value: text } });
}

beforeEach(() => window.localStorage.clear());

describe('ChatPanel', () => {
  it('sends with Enter, shows the message at once and a typing state, then the answer with its newlines', async () => {
    const turn = deferred<ChatResponse>();
    const api = fakeApi({ send: jest.fn(() => turn.promise) });
    await renderPanel(api);
    expect(screen.getByRole('button', { name: 'Add a task to buy groceries' })).toBeInTheDocument(); // empty state

    type('  add buy milk ');
    fireEvent.keyDown(input(), { key: 'Enter' });
    expect(api.send).toHaveBeenCalledWith({ message: 'add buy milk' });
    expect(within(log()).getByText('add buy milk')).toBeInTheDocument();
    expect(input()).toHaveValue('');
    expect(screen.getByRole('status')).toHaveTextContent('Assistant is typing…');
    expect(log()).toHaveAttribute('aria-busy', 'true');
    expect(sendButton()).toBeDisabled();

    // Enter while the turn runs sends nothing more.
    type('second');
    fireEvent.keyDown(input(), { key: 'Enter' });
    expect(api.send).toHaveBeenCalledTimes(1);

    await act(async () => turn.resolve(reply('Added “Buy milk”.\nAnything else?')));
    expect(log().querySelector('.from-assistant .bubble-text')!.textContent).toBe('Added “Buy milk”.\nAnything else?');
    expect(screen.getByRole('status')).toHaveTextContent('');
    expect(log()).toHaveAttribute('aria-busy', 'false');
    expect(window.localStorage.getItem(STORAGE_KEY)).toBe('5');

    // The next turn continues the same conversation.
    fireEvent.keyDown(input(), { key: 'Enter' });
    await waitFor(() => expect(api.send).toHaveBeenLastCalledWith({ conversation_id: 5, message: 'second' }));
  });

  it('Shift+Enter is a new line, not a send; the counter follows the limit', async () => {
    const api = fakeApi();
    await renderPanel(api);
    type('line one');
    fireEvent.keyDown(input(), { key: 'Enter', shiftKey: true });
    expect(api.send).not.toHaveBeenCalled();
    expect(screen.getByText(/^8\/2000/)).toBeInTheDocument();

    type('x'.repeat(2001));
    expect(sendButton()).toBeDisabled();
    expect(input()).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByText('Keep messages to 2000 characters.')).toBeInTheDocument();
    fireEvent.keyDown(input(), { key: 'Enter' });
    expect(api.send).not.toHaveBeenCalled();
  });

  it('shows a failure on the message, and Retry sends it again without a copy', async () => {
    const send = jest
      .fn()
      .mockRejectedValueOnce(new ApiError(502, 'the assistant is unavailable'))
      .mockResolvedValueOnce(reply('Here you go.'));
    const api = fakeApi({ send });
    await renderPanel(api);
    type('show my tasks');
    fireEvent.click(sendButton());
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Not sent. The assistant is not answering right now.');

    fireEvent.click(within(alert).getByRole('button', { name: 'Retry sending' }));
    expect(await within(log()).findByText('Here you go.')).toBeInTheDocument();
    expect(send).toHaveBeenCalledTimes(2);
    expect(send).toHaveBeenNthCalledWith(2, { message: 'show my tasks' });
    expect(within(log()).getAllByText('show my tasks')).toHaveLength(1);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says when to try again after a rate limit', async () => {
    const api = fakeApi({ send: jest.fn(async () => Promise.reject(new RetryLaterError(429, 'slow down', [], 17))) });
    await renderPanel(api);
    type('hi');
    fireEvent.click(sendButton());
    expect(await screen.findByRole('alert')).toHaveTextContent('Try again in 17 seconds.');
  });

  it('puts a refused message (422) back in the box, with the API’s reason', async () => {
    const error = new ApiError(422, 'message: must not contain control characters');
    const api = fakeApi({ send: jest.fn(async () => Promise.reject(error)) });
    await renderPanel(api);
    type('bad text');
    fireEvent.click(sendButton());
    expect(await screen.findByText('message: must not contain control characters')).toBeInTheDocument();
    expect(input()).toHaveValue('bad text');
    expect(within(log()).queryByText('bad text')).toBeNull();
  });

  it('refreshes the tasks when the assistant changed one, and only then', async () => {
    const send = jest
      .fn()
      .mockResolvedValueOnce(reply('Your tasks: none.', [{ name: 'list_tasks', arguments: {}, result: [] }]))
      .mockResolvedValueOnce(
        reply('Added.', [{ name: 'add_task', arguments: { title: 'Buy milk' }, result: { task_id: 4, status: 'created', title: 'Buy milk' } }]),
      );
    const api = fakeApi({ send });
    const onTasksChanged = await renderPanel(api);
    type('show my tasks');
    fireEvent.click(sendButton());
    expect(await within(log()).findByText('Looked at 0 tasks')).toBeInTheDocument();
    expect(onTasksChanged).not.toHaveBeenCalled();

    type('add buy milk');
    fireEvent.click(sendButton());
    expect(await within(log()).findByText('Added “Buy milk”')).toBeInTheDocument(); // the tool chip
    expect(onTasksChanged).toHaveBeenCalledTimes(1);
  });

  it('starts a new conversation, and remembers that across a reload', async () => {
    window.localStorage.setItem(STORAGE_KEY, '5');
    const api = fakeApi({
      listConversations: jest.fn(async () => [conversation(5, 'add buy milk')]),
      messages: jest.fn(async () => [message(1, 'user', 'add buy milk'), message(2, 'assistant', 'Added “Buy milk”.')]),
      send: jest.fn(async () => reply('Hello.', [], 6)),
    });
    await renderPanel(api);
    expect(api.messages).toHaveBeenCalledWith(5);
    expect(within(log()).getByText('Added “Buy milk”.')).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'New conversation' }));
    expect(within(log()).queryByText('add buy milk')).toBeNull();
    expect(input()).toHaveFocus();
    expect(window.localStorage.getItem(STORAGE_KEY)).toBe('new');
    type('hello');
    fireEvent.click(sendButton());
    await waitFor(() => expect(api.send).toHaveBeenCalledWith({ message: 'hello' }));
    await waitFor(() => expect(window.localStorage.getItem(STORAGE_KEY)).toBe('6'));
  });

  it('without a remembered conversation opens the latest; a vanished one falls back to a new one', async () => {
    const api = fakeApi({
      listConversations: jest.fn(async () => [conversation(9, 'latest'), conversation(3, 'older')]),
      messages: jest.fn(async (id: number) => [message(1, 'user', `in ${id}`, id)]),
    });
    await renderPanel(api);
    expect(within(log()).getByText('in 9')).toBeInTheDocument();

    window.localStorage.setItem(STORAGE_KEY, '77');
    const gone = fakeApi({ messages: jest.fn(async () => Promise.reject(new ApiError(404, 'conversation 77 not found'))) });
    const { unmount } = render(<ChatPanel userId="u1" api={gone} />);
    await waitFor(() => expect(window.localStorage.getItem(STORAGE_KEY)).toBeNull());
    unmount();
  });

  it('lists past conversations: select loads its messages, delete removes it', async () => {
    window.localStorage.setItem(STORAGE_KEY, 'new');
    const api = fakeApi({
      listConversations: jest.fn(async () => [conversation(9, 'groceries'), conversation(3, 'work')]),
      messages: jest.fn(async (id: number) => [message(1, 'user', `in ${id}`, id)]),
    });
    await renderPanel(api);
    const list = await screen.findByRole('list', { name: 'Past conversations' });
    fireEvent.click(within(list).getByRole('button', { name: /^work/ }));
    expect(await within(log()).findByText('in 3')).toBeInTheDocument();
    expect(within(list).getByRole('button', { name: /^work/ })).toHaveAttribute('aria-current', 'true');

    fireEvent.click(within(list).getByRole('button', { name: 'Delete conversation “work”' }));
    await waitFor(() => expect(api.deleteConversation).toHaveBeenCalledWith(3));
    await waitFor(() => expect(within(list).queryByText('work')).toBeNull());
    expect(within(log()).queryByText('in 3')).toBeNull(); // it was the open one
  });

  it('sends an example prompt when clicked', async () => {
    const api = fakeApi();
    await renderPanel(api);
    fireEvent.click(screen.getByRole('button', { name: "What's pending?" }));
    expect(api.send).toHaveBeenCalledWith({ message: "What's pending?" });
    expect(input()).toHaveFocus(); // not lost with the example buttons
    await waitFor(() => expect(within(log()).getByText('ok')).toBeInTheDocument());
  });

  it('opens as a drawer from its toggle, and Escape closes it back onto the toggle', async () => {
    await renderPanel(fakeApi());
    const toggle = screen.getByRole('button', { name: 'Assistant' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(toggle).toHaveAttribute('aria-controls', 'chat-panel');
    fireEvent.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    expect(input()).toHaveFocus();
    fireEvent.keyDown(input(), { key: 'Escape' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(toggle).toHaveFocus();
  });
});
