'use client';

import { useEffect, useRef } from 'react';
import type { ChatEntry } from '../lib/chat-state';
import { MessageBubble } from './MessageBubble';

const EXAMPLES = ['Add a task to buy groceries', "What's pending?", 'Show my completed tasks', 'Add call mom tomorrow'];

interface Props {
  entries: ChatEntry[];
  /** A turn is running. */
  pending: boolean;
  /** The open conversation's messages are being read. */
  loading: boolean;
  historyError: { message: string; id: number } | null;
  hydrated: boolean;
  /** Reads a conversation again after it failed to load. */
  onReload: (id: number) => void;
  /** Sends a message: an example, or a failed one again (`retryKey`: its entry). */
  onSend: (text: string, retryKey?: string) => void;
  /** Looks again for a message that got no answer. */
  onCheck: (key: string) => void;
}

/** The open conversation's messages (not a live region: the panel's status says what is new). */
export function MessageLog({ entries, pending, loading, historyError, hydrated, onReload, onSend, onCheck }: Props) {
  const logRef = useRef<HTMLDivElement>(null);
  const empty = !loading && !historyError && entries.length === 0;
  const checking = entries.some((e) => e.status === 'checking');

  // Keep the newest message in view.
  useEffect(() => {
    const log = logRef.current;
    if (log) log.scrollTop = log.scrollHeight;
  }, [entries, pending]);

  return (
    <>
      <div
        ref={logRef}
        className="chat-log"
        role="region"
        aria-label="Conversation with the assistant"
        aria-busy={pending || loading}
        tabIndex={0}
      >
        {loading && <p className="muted">Loading conversation…</p>}
        {historyError && (
          <p className="field-error">
            {historyError.message}{' '}
            <button type="button" className="link" onClick={() => onReload(historyError.id)}>
              Load again
            </button>
          </p>
        )}
        {empty && (
          <div className="chat-empty">
            <p>Ask the assistant to add, find, complete or delete tasks. Try:</p>
            <ul className="examples">
              {EXAMPLES.map((example) => (
                <li key={example}>
                  <button type="button" disabled={pending || !hydrated} onClick={() => onSend(example)}>
                    {example}
                  </button>
                </li>
              ))}
            </ul>
          </div>
        )}
        {entries.map((entry) => (
          <MessageBubble
            key={entry.key}
            entry={entry}
            idle={!pending}
            onRetry={() => onSend(entry.content, entry.key)}
            onCheck={() => onCheck(entry.key)}
          />
        ))}
      </div>
      <p className="typing">{checking ? 'Checking whether your message arrived…' : pending ? 'Assistant is typing…' : ''}</p>
    </>
  );
}
