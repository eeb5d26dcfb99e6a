// ChatPanel: sending, the typing state, and what happens when a send fails or times out.
import { ApiError } from '@todo/api-client';
import { type ChatResponse, RetryLaterError } from '@todo/api-client/browser';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ChatPanel } from './ChatPanel';
import { STORAGE_KEY, conversation, deferred, fakeApi, input, log, message, renderPanel, reply, sendButton, status, type } from './chat-panel-test-kit';

beforeEach(() => window.localStorage.clear());

describe('ChatPanel: sending and delivery', () => {
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
    expect(screen.getByText('Assistant is typing…')).toBeInTheDocument();
    expect(log()).toHaveAttribute('aria-busy', 'true');
    expect(sendButton()).toBeDisabled();

    // Enter while the turn runs sends nothing more.
    type('second');
    fireEvent.keyDown(input(), { key: 'Enter' });
    expect(api.send).toHaveBeenCalledTimes(1);

    await act(async () => turn.resolve(reply('Added “Buy milk”.\nAnything else?')));
    // Its newline stays a line break (rendered as <br>).
    expect(log().querySelector('.from-assistant .bubble-text')!.innerHTML).toBe('<p>Added “Buy milk”.<br>Anything else?</p>');
    expect(screen.queryByText('Assistant is typing…')).toBeNull();
    expect(status()).toHaveTextContent('Assistant said: Added “Buy milk”. Anything else?');
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

  it('after a failure checks whether the message arrived; only one that did not is offered to Retry, without a copy', async () => {
    const send = jest
      .fn()
      .mockRejectedValueOnce(new ApiError(502, 'the assistant is unavailable'))
      .mockResolvedValueOnce(reply('Here you go.'));
    const api = fakeApi({ send });
    const onTasksChanged = await renderPanel(api);
    type('show my tasks');
    fireEvent.click(sendButton());
    const note = await within(log()).findByText('Not sent. The assistant is not answering right now.');
    expect(api.listConversations).toHaveBeenCalledTimes(2); // on load, and to look for the new conversation
    expect(onTasksChanged).toHaveBeenCalledTimes(1); // its tools might have run
    expect(status()).toHaveTextContent('Not sent. The assistant is not answering right now.');
    expect(screen.queryByRole('alert')).toBeNull(); // announced once, by the status region

    fireEvent.click(within(note.parentElement!).getByRole('button', { name: 'Retry sending' }));
    expect(await within(log()).findByText('Here you go.')).toBeInTheDocument();
    expect(send).toHaveBeenCalledTimes(2);
    expect(send).toHaveBeenNthCalledWith(2, { message: 'show my tasks' });
    expect(within(log()).getAllByText('show my tasks')).toHaveLength(1);
    expect(within(log()).queryByText(/Not sent/)).toBeNull();
  });

  it('after a timeout on a first message finds the conversation it started, with the answer: nothing to resend', async () => {
    const added = { name: 'add_task', arguments: { title: 'Buy milk' }, result: { task_id: 4, status: 'created', title: 'Buy milk' } };
    const stored = [message(1, 'user', 'add buy milk', 7), { ...message(2, 'assistant', 'Added “Buy milk”.', 7), tool_calls: [added] }];
    const listConversations = jest
      .fn()
      .mockResolvedValueOnce([conversation(3, 'add buy milk')]) // an older one with the same title
      .mockResolvedValue([conversation(7, 'add buy milk'), conversation(3, 'add buy milk')]);
    window.localStorage.setItem(STORAGE_KEY, 'new');
    const api = fakeApi({
      send: jest.fn(async () => Promise.reject(new ApiError(504, 'the assistant took too long to answer'))),
      listConversations,
      messages: jest.fn(async () => stored),
    });
    const onTasksChanged = await renderPanel(api);
    type('add buy milk');
    fireEvent.click(sendButton());
    expect(await within(log()).findByText('Added “Buy milk”.')).toBeInTheDocument();
    expect(api.messages).toHaveBeenCalledWith(7);
    expect(api.send).toHaveBeenCalledTimes(1);
    expect(within(log()).getAllByText('add buy milk')).toHaveLength(1);
    expect(within(log()).queryByText(/Not sent/)).toBeNull();
    expect(screen.queryByRole('button', { name: 'Retry sending' })).toBeNull();
    expect(onTasksChanged).toHaveBeenCalled();
    expect(status()).toHaveTextContent('Assistant said: Added “Buy milk”. (Added “Buy milk”)');
    await waitFor(() => expect(window.localStorage.getItem(STORAGE_KEY)).toBe('7'));

    // The next message goes on in that conversation.
    type('thanks');
    fireEvent.click(sendButton());
    await waitFor(() => expect(api.send).toHaveBeenLastCalledWith({ conversation_id: 7, message: 'thanks' }));
  });

  it('after a timeout shows a stored message still unanswered as such, and Check again fetches the answer', async () => {
    window.localStorage.setItem(STORAGE_KEY, '5');
    const before = [message(1, 'user', 'show my tasks'), message(2, 'assistant', 'None.')];
    const messages = jest
      .fn()
      .mockResolvedValueOnce(before)
      .mockResolvedValueOnce([...before, message(3, 'user', 'add buy milk')])
      .mockResolvedValueOnce([...before, message(3, 'user', 'add buy milk'), message(4, 'assistant', 'Added “Buy milk”.')]);
    const api = fakeApi({
      listConversations: jest.fn(async () => [conversation(5, 'show my tasks')]),
      messages,
      send: jest.fn(async () => Promise.reject(new ApiError(504, 'took too long'))),
    });
    await renderPanel(api);
    type('add buy milk');
    fireEvent.click(sendButton());
    const note = await within(log()).findByText('No answer yet — the assistant may still be working.');
    expect(screen.queryByRole('button', { name: 'Retry sending' })).toBeNull();
    expect(status()).toHaveTextContent('No answer yet — the assistant may still be working.');

    fireEvent.click(within(note.parentElement!).getByRole('button', { name: 'Check again' }));
    expect(await within(log()).findByText('Added “Buy milk”.')).toBeInTheDocument();
    expect(within(log()).queryByText(/No answer yet/)).toBeNull();
    expect(api.send).toHaveBeenCalledTimes(1);
    expect(messages).toHaveBeenCalledTimes(3);
  });

  it('after a timeout offers Retry when the message is not there, even if an identical earlier one is', async () => {
    window.localStorage.setItem(STORAGE_KEY, '5');
    const before = [message(1, 'user', 'show my tasks'), message(2, 'assistant', 'None.')];
    const api = fakeApi({
      listConversations: jest.fn(async () => [conversation(5, 'show my tasks')]),
      messages: jest.fn(async () => before),
      send: jest.fn(async () => Promise.reject(new ApiError(504, 'took too long'))),
    });
    await renderPanel(api);
    type('show my tasks');
    fireEvent.click(sendButton());
    expect(await within(log()).findByText('Not sent. The assistant took too long to answer.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Retry sending' })).toBeEnabled();
  });

  it('when the check cannot be made either, offers only to check again, never to resend', async () => {
    const api = fakeApi({
      send: jest.fn(async () => Promise.reject(new ApiError(0, 'cannot reach the server'))),
    });
    (api.listConversations as jest.Mock).mockResolvedValueOnce([]).mockRejectedValueOnce(new ApiError(0, 'cannot reach the server'));
    await renderPanel(api);
    type('add buy milk');
    fireEvent.click(sendButton());
    const note = await within(log()).findByText(/^No answer yet — the assistant may still be working\. Could not check/);
    expect(note).toHaveTextContent('Cannot reach the server. Check your connection.');
    expect(screen.queryByRole('button', { name: 'Retry sending' })).toBeNull();

    // Back online, and nothing arrived: now it may be sent again.
    fireEvent.click(within(note.parentElement!).getByRole('button', { name: 'Check again' }));
    expect(await within(log()).findByText('Not sent. Cannot reach the server. Check your connection.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Retry sending' })).toBeEnabled();
    expect(api.send).toHaveBeenCalledTimes(1);
  });

  it('says when to try again after a rate limit, without checking (nothing was stored)', async () => {
    const api = fakeApi({ send: jest.fn(async () => Promise.reject(new RetryLaterError(429, 'slow down', [], 17))) });
    await renderPanel(api);
    type('hi');
    fireEvent.click(sendButton());
    expect(await within(log()).findByText(/Try again in 17 seconds\./)).toBeInTheDocument();
    expect(status()).toHaveTextContent('Not sent. You are sending messages too quickly. Try again in 17 seconds.');
    expect(screen.getByRole('button', { name: 'Retry sending' })).toBeEnabled();
    expect(api.listConversations).toHaveBeenCalledTimes(1); // on load only
  });

  it('keeps the message list quiet: opening a conversation announces nothing, only new replies are', async () => {
    window.localStorage.setItem(STORAGE_KEY, '5');
    const api = fakeApi({
      listConversations: jest.fn(async () => [conversation(5, 'add buy milk')]),
      messages: jest.fn(async () => [message(1, 'user', 'add buy milk'), message(2, 'assistant', 'Added “Buy milk”.')]),
    });
    await renderPanel(api);
    expect(screen.queryByRole('log')).toBeNull();
    expect(log()).not.toHaveAttribute('aria-live');
    expect(within(log()).getByText('Added “Buy milk”.')).toBeInTheDocument();
    expect(screen.getAllByRole('status')).toHaveLength(1);
    expect(status()).toHaveTextContent('');
    expect(log()).not.toContainElement(status());
  });

  it('puts a refused message (422) back in the box, with the API’s reason', async () => {
    const error = new ApiError(422, 'message: must not contain control characters');
    const api = fakeApi({ send: jest.fn(async () => Promise.reject(error)) });
    await renderPanel(api);
    type('bad text');
    fireEvent.click(sendButton());
    expect(await screen.findByText('message: must not contain control characters', { selector: '.field-error' })).toBeInTheDocument();
    expect(status()).toHaveTextContent('message: must not contain control characters');
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
});
