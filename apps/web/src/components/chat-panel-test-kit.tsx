// Shared by the ChatPanel tests: a fake chat API, canned replies and the panel's controls.
import { type ChatApi, type ChatMessage, type ChatResponse, type Conversation } from '@todo/api-client/browser';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { ChatPanel } from './ChatPanel';


export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

export const reply = (response: string, tool_calls: ChatResponse['tool_calls'] = [], conversation_id = 5): ChatResponse => ({
  conversation_id,
  response,
  tool_calls,
});
export const conversation = (id: number, title: string): Conversation => ({
  id, title, user_id: 'u1', created_at: '2026-01-01T10:00:00Z', updated_at: '2026-01-01T10:00:00Z',
});
export const message = (id: number, role: 'user' | 'assistant', content: string, conversation_id = 5): ChatMessage => ({
  id, role, content, conversation_id, user_id: 'u1', tool_calls: null, created_at: '2026-01-01T10:00:00Z',
});

export function fakeApi(overrides: Partial<ChatApi> = {}): ChatApi {
  return {
    send: jest.fn(async () => reply('ok')),
    listConversations: jest.fn(async () => []),
    messages: jest.fn(async () => []),
    deleteConversation: jest.fn(async () => undefined),
    ...overrides,
  } as ChatApi;
}

export const STORAGE_KEY = 'todo.chat.conversation.u1';
export const input = () => screen.getByLabelText('Message');
export const log = () => screen.getByRole('region', { name: 'Conversation with the assistant' });
/** The one live region: new replies and errors, announced politely. */
export const status = () => screen.getByRole('status');
export const sendButton = () => screen.getByRole('button', { name: 'Send' });

export async function renderPanel(api: ChatApi, onTasksChanged = jest.fn()) {
  render(<ChatPanel userId="u1" api={api} onTasksChanged={onTasksChanged} />);
  await waitFor(() => expect(log()).toHaveAttribute('aria-busy', 'false'));
  return onTasksChanged;
}

export function type(text: string) {
  fireEvent.change(input(), { target: { value: text } });
}
