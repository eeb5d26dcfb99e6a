// The chat panel's history, and what an assistant's tool calls mean for the task list.
import type { ChatMessage, ToolCall } from '@todo/api-client/browser';

export interface ChatEntry {
  /** Stable React key: "m<id>" for stored messages, "local-<n>" for ones typed here. */
  key: string;
  role: 'user' | 'assistant';
  content: string;
  toolCalls: ToolCall[];
  /** A user's message is "sending" until the assistant answers, "failed" if that went wrong. */
  status: 'sent' | 'sending' | 'failed';
  /** Why a failed message did not go through. */
  error?: string;
}

export type ChatAction =
  | { type: 'loaded'; entries: ChatEntry[] }
  // A new message (appended), or a failed one sent again (moved to the end, not copied).
  | { type: 'sending'; key: string; content: string }
  | { type: 'answered'; key: string; reply: ChatEntry }
  | { type: 'failed'; key: string; error: string }
  // The API refused the text itself (422): it goes back to the input, not into the history.
  | { type: 'withdrawn'; key: string };

export function chatReducer(entries: ChatEntry[], action: ChatAction): ChatEntry[] {
  switch (action.type) {
    case 'loaded':
      return action.entries;
    case 'sending': {
      const rest = entries.filter((e) => e.key !== action.key);
      return [...rest, { key: action.key, role: 'user', content: action.content, toolCalls: [], status: 'sending' }];
    }
    case 'answered': {
      const sent = entries.map((e): ChatEntry => (e.key === action.key ? { ...e, status: 'sent', error: undefined } : e));
      return [...sent, action.reply];
    }
    case 'failed':
      return entries.map((e) => (e.key === action.key ? { ...e, status: 'failed', error: action.error } : e));
    case 'withdrawn':
      return entries.filter((e) => e.key !== action.key);
  }
}

export function entriesFromMessages(messages: ChatMessage[]): ChatEntry[] {
  return messages.map((m) => ({
    key: `m${m.id}`,
    role: m.role === 'user' ? 'user' : 'assistant',
    content: m.content,
    toolCalls: m.tool_calls ?? [],
    status: 'sent',
  }));
}

let nextLocalKey = 1;
export const localKey = () => `local-${nextLocalKey++}`;

/** Characters as the API counts them (code points, after trimming). */
export const messageLength = (text: string) => [...text.trim()].length;

const CHANGING_TOOLS = new Set(['add_task', 'complete_task', 'delete_task', 'update_task']);

const failedCall = (call: ToolCall) => !Array.isArray(call.result) && 'error' in call.result;

/** Whether the assistant changed any task, so the task list must be read again. */
export function changesTasks(toolCalls: readonly ToolCall[]): boolean {
  return toolCalls.some((call) => CHANGING_TOOLS.has(call.name) && !failedCall(call));
}

const VERBS: Record<string, string> = {
  add_task: 'Added',
  complete_task: 'Completed',
  delete_task: 'Deleted',
  update_task: 'Updated',
};

/** A short line for one tool call ("Added “Buy milk”"), shown under the assistant's answer. */
export function describeToolCall(call: ToolCall): { text: string; failed: boolean } {
  if (Array.isArray(call.result)) {
    const n = call.result.length;
    return { text: `Looked at ${n} task${n === 1 ? '' : 's'}`, failed: false };
  }
  const result = call.result;
  if (failedCall(call)) {
    return { text: typeof result.message === 'string' ? result.message : 'A step failed', failed: true };
  }
  const verb = VERBS[call.name];
  if (!verb) return { text: call.name.replaceAll('_', ' '), failed: false };
  const id = result.task_id ?? call.arguments.task_id;
  const title = typeof result.title === 'string' ? result.title : undefined;
  return { text: title ? `${verb} “${title}”` : `${verb} task ${String(id ?? '')}`.trim(), failed: false };
}

// The conversation shown, per user and browser, across reloads: an id, or "new" when the
// user started a new one and has not written in it yet. Nothing stored: the latest one.
const storageKey = (userId: string) => `todo.chat.conversation.${userId}`;

export function storedConversation(userId: string): number | 'new' | null {
  try {
    const value = window.localStorage.getItem(storageKey(userId));
    if (value === 'new') return 'new';
    const id = Number(value);
    return value && Number.isSafeInteger(id) && id > 0 ? id : null;
  } catch {
    return null; // storage disabled: fall back to the latest conversation
  }
}

export function rememberConversation(userId: string, value: number | 'new' | null): void {
  try {
    if (value === null) window.localStorage.removeItem(storageKey(userId));
    else window.localStorage.setItem(storageKey(userId), String(value));
  } catch {
    // storage disabled or full: the conversation is still on the server, in the list
  }
}
