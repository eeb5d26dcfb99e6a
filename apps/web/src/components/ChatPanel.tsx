'use client';

import { type ChatApi, MESSAGE_MAX } from '@todo/api-client/browser';
import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef } from 'react';
import { messageLength } from '../lib/chat-state';
import { useChatDelivery } from '../lib/use-chat-delivery';
import { useChatDrawer } from '../lib/use-chat-drawer';
import { useHydrated } from '../lib/use-hydrated';
import { MessageBubble } from './MessageBubble';

const EXAMPLES = ['Add a task to buy groceries', "What's pending?", 'Show my completed tasks', 'Add call mom tomorrow'];

const formatWhen = (iso: string) => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
};

interface Props {
  userId: string;
  api?: ChatApi;
  /** Called when the assistant changed tasks (added, completed, deleted or updated one). */
  onTasksChanged?: () => void;
}

export function ChatPanel({ userId, api, onTasksChanged }: Props) {
  const hydrated = useHydrated();
  const uid = useId();
  const inputId = `chat-input-${uid}`;
  const counterId = `chat-counter-${uid}`;
  const draftErrorId = `chat-error-${uid}`;
  // The message box: sends, a new conversation and opening the drawer put the cursor there.
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const logRef = useRef<HTMLDivElement>(null);
  const {
    entries,
    pending,
    draft,
    setDraft,
    draftError,
    setDraftError,
    announcement,
    conversationId,
    conversations,
    listError,
    loading,
    historyError,
    historySummaryRef,
    refreshConversations,
    openConversation,
    startNew,
    removeConversation,
    send,
    checkAgain,
  } = useChatDelivery({ userId, api, onTasksChanged, inputRef });

  // Keep the newest message in view.
  useEffect(() => {
    const log = logRef.current;
    if (log) log.scrollTop = log.scrollHeight;
  }, [entries, pending]);

  const drawer = useChatDrawer(inputRef);

  const onInputKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // Enter sends, Shift+Enter is a new line; Enter that ends an IME composition is neither.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      if (!pending && !loading) void send(draft);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!pending && !loading) void send(draft);
  };

  const length = messageLength(draft);
  const tooLong = length > MESSAGE_MAX;
  const empty = !loading && !historyError && entries.length === 0;
  const checking = entries.some((e) => e.status === 'checking');

  return (
    <>
      <button
        type="button"
        ref={drawer.toggleRef}
        className="chat-toggle primary"
        aria-controls="chat-panel"
        aria-expanded={drawer.open}
        onClick={drawer.toggle}
      >
        Assistant
      </button>
      <div data-chat-status className="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
        {announcement && <p key={announcement.id}>{announcement.text}</p>}
      </div>
      {/* Beside the tasks it is a complementary region; as a drawer over them, a modal dialog. */}
      <div
        id="chat-panel"
        ref={drawer.panelRef}
        className={`chat-panel${drawer.open ? ' open' : ''}`}
        role={drawer.narrow ? 'dialog' : 'complementary'}
        aria-modal={drawer.narrow ? true : undefined}
        aria-labelledby="chat-heading"
        onKeyDown={drawer.onPanelKeyDown}
      >
        <div className="chat-head">
          <h2 id="chat-heading">Assistant</h2>
          <button type="button" onClick={startNew} disabled={pending || !hydrated}>
            New conversation
          </button>
          <button type="button" className="chat-close" aria-label="Close assistant" onClick={drawer.close}>
            ×
          </button>
        </div>

        <details className="chat-history">
          <summary ref={historySummaryRef}>Past conversations</summary>
          {listError && (
            <p className="field-error">
              {listError}{' '}
              <button type="button" className="link" onClick={() => void refreshConversations()}>
                Load again
              </button>
            </p>
          )}
          {conversations === null && !listError && <p className="muted">Loading…</p>}
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
                    onClick={() => void openConversation(c.id)}
                  >
                    <span className="conversation-title">{c.title}</span>
                    <time dateTime={c.updated_at}>{formatWhen(c.updated_at)}</time>
                  </button>
                  <button type="button" disabled={pending} aria-label={`Delete conversation “${c.title}”`} onClick={() => void removeConversation(c)}>
                    Delete
                  </button>
                </li>
              ))}
            </ul>
          )}
        </details>

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
              <button type="button" className="link" onClick={() => void openConversation(historyError.id)}>
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
                    <button type="button" disabled={pending || !hydrated} onClick={() => void send(example)}>
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
              onRetry={() => void send(entry.content, entry.key)}
              onCheck={() => checkAgain(entry.key)}
            />
          ))}
        </div>
        <p className="typing">{checking ? 'Checking whether your message arrived…' : pending ? 'Assistant is typing…' : ''}</p>

        <form className="chat-form" onSubmit={submit} aria-label="Message the assistant">
          <label htmlFor={inputId} className="visually-hidden">
            Message
          </label>
          <textarea
            id={inputId}
            ref={inputRef}
            rows={2}
            value={draft}
            placeholder="Ask the assistant…"
            disabled={!hydrated}
            aria-invalid={tooLong || Boolean(draftError)}
            aria-describedby={draftError ? `${counterId} ${draftErrorId}` : counterId}
            onChange={(e) => {
              setDraft(e.target.value);
              if (draftError) setDraftError(null);
            }}
            onKeyDown={onInputKeyDown}
          />
          <div className="chat-form-foot">
            <span id={counterId} className={`hint${tooLong ? ' over' : ''}`}>
              {length}/{MESSAGE_MAX}
              <span className="visually-hidden"> characters</span>
            </span>
            <span className="hint">Enter sends, Shift+Enter adds a line</span>
            <button type="submit" className="primary" disabled={!hydrated || pending || loading || length === 0 || tooLong}>
              Send
            </button>
          </div>
          {(draftError || tooLong) && (
            <p id={draftErrorId} className="field-error">
              {draftError ?? `Keep messages to ${MESSAGE_MAX} characters.`}
            </p>
          )}
        </form>
      </div>
    </>
  );
}
