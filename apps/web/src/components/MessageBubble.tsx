'use client';

import { type ChatEntry, describeToolCall } from '../lib/chat-state';
import { STILL_WORKING } from '../lib/chat-text';
import { ReplyText } from './ReplyText';

interface Props {
  entry: ChatEntry;
  /** No turn is running: Retry and Check again may start one. */
  idle: boolean;
  onRetry: () => void;
  onCheck: () => void;
}

/** One message in the chat log, with what the assistant did and where a send stands. */
export function MessageBubble({ entry, idle, onRetry, onCheck }: Props) {
  const mine = entry.role === 'user';
  const state = entry.status === 'failed' ? ' failed' : ['checking', 'waiting', 'unknown'].includes(entry.status) ? ' uncertain' : '';
  return (
    <div className={`bubble ${mine ? 'from-user' : 'from-assistant'}${state}`}>
      <span className="visually-hidden">{mine ? 'You said:' : 'Assistant said:'}</span>
      {/* The user's words stay exactly as typed; the assistant's Markdown becomes lists and emphasis. */}
      {mine ? <p className="bubble-text">{entry.content}</p> : <ReplyText text={entry.content} />}
      {entry.toolCalls.length > 0 && (
        <ul className="tool-chips" aria-label="What the assistant did">
          {entry.toolCalls.map((call, i) => {
            const { text, failed } = describeToolCall(call);
            return (
              <li key={i} className={failed ? 'chip failed' : 'chip'}>
                {text}
              </li>
            );
          })}
        </ul>
      )}
      {/* Not alerts: the panel's status region announces these once. */}
      {entry.status === 'failed' && (
        <div className="bubble-note">
          <span>Not sent. {entry.error}</span>
          <button type="button" disabled={!idle} onClick={onRetry} aria-label="Retry sending">
            Retry
          </button>
        </div>
      )}
      {entry.status === 'checking' && (
        <div className="bubble-note">
          <span>No answer yet — checking whether your message arrived…</span>
        </div>
      )}
      {(entry.status === 'waiting' || entry.status === 'unknown') && (
        <div className="bubble-note">
          <span>{entry.status === 'waiting' ? STILL_WORKING : entry.error}</span>
          <button type="button" disabled={!idle} onClick={onCheck}>
            Check again
          </button>
        </div>
      )}
    </div>
  );
}
