// The chat panel's history, and what an assistant's tool calls mean for the task list.
import type { ChatMessage, Conversation, ToolCall } from '@todo/api-client/browser';

export interface ChatEntry {
  /** Stable React key: "m<id>" for stored messages, "local-<n>" for ones typed here. */
  key: string;
  role: 'user' | 'assistant';
  content: string;
  toolCalls: ToolCall[];
  status: ChatStatus;
  /** Why a failed message did not go through, or why an unknown one could not be checked. */
  error?: string;
}

/**
 * Where a message stands. When no answer comes back (a timeout, an outage) the API may still
 * have stored the message and even run the turn, so the panel reads the conversation again
 * before it offers to send anything twice.
 */
export type ChatStatus =
  /** Stored (and, for the user's messages, answered or not waited for). */
  | 'sent'
  /** On its way; the assistant's answer has not come back yet. */
  | 'sending'
  /** No answer came: reading the conversation again to see whether the message arrived. */
  | 'checking'
  /** Stored, but the assistant had not answered when the panel last looked. */
  | 'waiting'
  /** No answer came, and the conversation could not be read: it may or may not have arrived. */
  | 'unknown'
  /** Certainly not stored: it may be sent again. */
  | 'failed';

export type ChatAction =
  | { type: 'loaded'; entries: ChatEntry[] }
  // A new message (appended), or a failed one sent again (moved to the end, not copied).
  | { type: 'sending'; key: string; content: string }
  | { type: 'answered'; key: string; reply: ChatEntry }
  | { type: 'failed'; key: string; error: string }
  | { type: 'checking'; key: string }
  | { type: 'unknown'; key: string; error: string }
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
    case 'checking':
      return entries.map((e) => (e.key === action.key ? { ...e, status: 'checking', error: undefined } : e));
    case 'unknown':
      return entries.map((e) => (e.key === action.key ? { ...e, status: 'unknown', error: action.error } : e));
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

/** How many messages the API returns for a conversation by default (its newest ones). */
export const MESSAGES_PAGE = 100;

/** The messages shown before `key` that the server has for certain (sent, or sent and not yet answered). */
export function storedBefore(entries: readonly ChatEntry[], key: string): ChatEntry[] {
  const end = entries.findIndex((e) => e.key === key);
  return entries.slice(0, end < 0 ? entries.length : end).filter((e) => e.status === 'sent' || e.status === 'waiting');
}

const sameMessage = (entry: ChatEntry, message: ChatMessage) =>
  entry.role === (message.role === 'user' ? 'user' : 'assistant') && entry.content === message.content;

/**
 * Whether the stored messages before `end` are what the panel knew as stored, in order. An
 * answer the panel never saw (it came after the panel last looked) may sit in between. With
 * a complete history nothing else may be there; a full page may have lost its oldest ones.
 */
function followsKnown(known: readonly ChatEntry[], messages: readonly ChatMessage[], end: number, complete: boolean): boolean {
  let j = known.length - 1;
  let r = end - 1;
  while (j >= 0 && r >= 0) {
    if (sameMessage(known[j]!, messages[r]!)) {
      j--;
      r--;
    } else if (messages[r]!.role === 'assistant') {
      r--;
    } else {
      return false;
    }
  }
  return complete ? j < 0 && r < 0 : true;
}

/**
 * Whether a message whose send got no answer is in the conversation as read again, and
 * whether the assistant's answer follows it. `known` is what the panel had as stored before
 * it (storedBefore). The message counts as arrived only where it follows what was known, so
 * an earlier identical message ("show my tasks" twice) is not mistaken for it.
 */
export function findSent(
  known: readonly ChatEntry[],
  messages: readonly ChatMessage[],
  text: string,
): { index: number; answered: boolean } | null {
  const complete = messages.length < MESSAGES_PAGE;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (message.role !== 'user' || message.content !== text) continue;
    if (followsKnown(known, messages, i, complete)) return { index: i, answered: messages[i + 1]?.role === 'assistant' };
  }
  return null;
}

/** The conversation title the API gives a first message (whitespace collapsed, maybe cut short with "…"). */
export function titleMatches(title: string, text: string): boolean {
  const collapsed = text.split(/\s+/).filter(Boolean).join(' ');
  return title === collapsed || (title.endsWith('…') && title.length > 1 && collapsed.startsWith(title.slice(0, -1)));
}

// How far the browser's clock may be off the server's when nothing else tells new from old.
const CLOCK_SLACK_MS = 5 * 60_000;

/**
 * The conversation a first message started, when its answer never came: the newest one
 * titled after the message that is newer than every conversation known before the send
 * (ids only grow), or, with no list known then, created since the send began.
 */
export function findStartedConversation(
  list: readonly Conversation[],
  text: string,
  knownIds: readonly number[] | null,
  sentAtMs: number,
): Conversation | null {
  const newest = knownIds && knownIds.length > 0 ? Math.max(...knownIds) : 0;
  let found: Conversation | null = null;
  for (const c of list) {
    if (!titleMatches(c.title, text)) continue;
    const isNew = knownIds ? c.id > newest : Date.parse(c.created_at) >= sentAtMs - CLOCK_SLACK_MS;
    if (isNew && (!found || c.id > found.id)) found = c;
  }
  return found;
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
  // update_task with only `completed: false` is how a done task is reopened.
  const changes = Object.keys(call.arguments).filter((k) => k !== 'task_id' && k !== 'user_id');
  const reopened = call.name === 'update_task' && call.arguments.completed === false && changes.length === 1;
  const verb = reopened ? 'Reopened' : VERBS[call.name];
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
