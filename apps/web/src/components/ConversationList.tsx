'use client';

import type { Conversation } from '@todo/api-client/browser';
import type { RefObject } from 'react';

interface Props {
  /** Null until the list has loaded. */
  conversations: Conversation[] | null;
  /** The open one, marked as current. */
  conversationId: number | null;
  error: string | null;
  /** A turn is running: nothing else may be opened or deleted. */
  pending: boolean;
  /** Focus comes back here after a delete. */
  summaryRef: RefObject<HTMLElement | null>;
  onReload: () => void;
  onOpen: (id: number) => void;
  onDelete: (conversation: Conversation) => void;
}

const formatWhen = (iso: string) => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
};

/** The chat panel's past conversations, folded away until asked for. */
export function ConversationList({ conversations, conversationId, error, pending, summaryRef, onReload, onOpen, onDelete }: Props) {
  return (
    <details className="chat-history">
      <summary ref={summaryRef}>Past conversations</summary>
      {error && (
        <p className="field-error">
          {error}{' '}
          <button type="button" className="link" onClick={onReload}>
            Load again
          </button>
        </p>
      )}
      {conversations === null && !error && <p className="muted">Loading…</p>}
      {conversations?.length === 0 && <p className="muted">No conversations yet.</p>}
      {conversations && conversations.length > 0 && (
        <ul className="conversation-list" aria-label="Past conversations">
          {conversations.map((c) => (
            <li key={c.id}>
              <button
                type="button"
                className="conversation-open"
                aria-current={c.id === conversationId ? 'true' : undefined}
                disabled={pending}
                onClick={() => onOpen(c.id)}
              >
                <span className="conversation-title">{c.title}</span>
                <time dateTime={c.updated_at}>{formatWhen(c.updated_at)}</time>
              </button>
              <button type="button" disabled={pending} aria-label={`Delete conversation “${c.title}”`} onClick={() => onDelete(c)}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}
