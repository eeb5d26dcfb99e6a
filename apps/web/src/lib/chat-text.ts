// What the chat panel says about errors and replies: shared by the delivery hook (which
// announces it) and the message bubbles (which show it).
import { ApiError } from '@todo/api-client';
import { RetryLaterError } from '@todo/api-client/browser';
import { type ChatEntry, describeToolCall } from './chat-state';
import { replyAsSpeech } from './reply-markdown';

/**
 * What went wrong, in the user's words; for a failure on our side, with the request id to
 * quote (the same id is in the web's and the API's log lines).
 */
export function describe(error: unknown): string {
  const text = describeOnly(error);
  const quotable = error instanceof ApiError && error.requestId && ![401, 422, 429].includes(error.status);
  return quotable ? `${text} (Reference: ${(error as ApiError).requestId})` : text;
}

function describeOnly(error: unknown): string {
  if (error instanceof RetryLaterError && error.status === 429) {
    const seconds = error.retryAfterSeconds;
    return `You are sending messages too quickly. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`;
  }
  if (error instanceof ApiError) {
    if (error.status === 0) return 'Cannot reach the server. Check your connection.';
    if (error.status === 429) return 'You are sending messages too quickly. Try again in a moment.';
    if (error.status === 504) return 'The assistant took too long to answer.';
    if (error.status === 502 || error.status === 503) return 'The assistant is not answering right now.';
    if (error.status === 401) return 'Your session has ended. Sign in again.';
    return error.detail;
  }
  return 'Something went wrong.';
}

export const STILL_WORKING = 'No answer yet — the assistant may still be working.';

/** What a reply says, for the screen reader's announcement (its lists as words, not "- [ ]"). */
export function spoken(content: string, toolCalls: ChatEntry['toolCalls']): string {
  const done = toolCalls.map((call) => describeToolCall(call).text);
  return `Assistant said: ${replyAsSpeech(content)}${done.length > 0 ? ` (${done.join('; ')})` : ''}`;
}
