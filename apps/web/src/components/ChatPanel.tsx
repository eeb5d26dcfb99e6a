'use client';

import { ApiError } from '@todo/api-client';
import { type ChatApi, type Conversation, createChatApi, MESSAGE_MAX, RetryLaterError } from '@todo/api-client/browser';
import { type FormEvent, type KeyboardEvent, useCallback, useEffect, useId, useMemo, useReducer, useRef, useState } from 'react';
import {
  changesTasks,
  type ChatEntry,
  chatReducer,
  describeToolCall,
  entriesFromMessages,
  localKey,
  messageLength,
  rememberConversation,
  storedConversation,
} from '../lib/chat-state';
import { useHydrated } from '../lib/use-hydrated';

const EXAMPLES = ['Add a task to buy groceries', "What's pending?", 'Show my completed tasks', 'Add call mom tomorrow'];

interface Props {
  userId: string;
  api?: ChatApi;
  /** Called when the assistant changed tasks (added, completed, deleted or updated one). */
  onTasksChanged?: () => void;
}

function describe(error: unknown): string {
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

const formatWhen = (iso: string) => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
};

export function ChatPanel({ userId, api: injected, onTasksChanged }: Props) {
  const api = useMemo(() => injected ?? createChatApi(), [injected]);
  const hydrated = useHydrated();
  const uid = useId();
  const inputId = `chat-input-${uid}`;
  const counterId = `chat-counter-${uid}`;
  const draftErrorId = `chat-error-${uid}`;

  const [entries, dispatch] = useReducer(chatReducer, []);
  const [conversationId, setConversationId] = useState<number | null>(null);
  const [conversations, setConversations] = useState<Conversation[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [historyError, setHistoryError] = useState<{ message: string; id: number } | null>(null);
  const [pending, setPending] = useState(false);
  const [draft, setDraft] = useState('');
  const [draftError, setDraftError] = useState<string | null>(null);
  const [open, setOpen] = useState(false);

  // Refs for what async work must read at the moment it runs, not when it was scheduled.
  const conversationRef = useRef<number | null>(null);
  const pendingRef = useRef(false);
  const loadSeq = useRef(0);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const toggleRef = useRef<HTMLButtonElement>(null);
  const logRef = useRef<HTMLDivElement>(null);
  const historySummaryRef = useRef<HTMLElement>(null);

  const selectConversation = useCallback(
    (id: number | null, remember: number | 'new' | null) => {
      conversationRef.current = id;
      setConversationId(id);
      rememberConversation(userId, remember);
    },
    [userId],
  );

  const refreshConversations = useCallback(async (): Promise<Conversation[] | null> => {
    try {
      const list = await api.listConversations();
      setConversations(list);
      setListError(null);
      return list;
    } catch (error) {
      setListError(`Could not load past conversations. ${describe(error)}`);
      return null;
    }
  }, [api]);

  /** Shows one stored conversation. A stale answer (the user moved on) is dropped. */
  const openConversation = useCallback(
    async (id: number) => {
      const seq = ++loadSeq.current;
      selectConversation(id, id);
      setLoading(true);
      setHistoryError(null);
      dispatch({ type: 'loaded', entries: [] });
      try {
        const messages = await api.messages(id);
        if (seq !== loadSeq.current) return;
        dispatch({ type: 'loaded', entries: entriesFromMessages(messages) });
      } catch (error) {
        if (seq !== loadSeq.current) return;
        if (error instanceof ApiError && error.status === 404) {
          // Deleted elsewhere (or never this user's): start afresh.
          selectConversation(null, null);
          setConversations((list) => list?.filter((c) => c.id !== id) ?? list);
        } else {
          setHistoryError({ message: `Could not load this conversation. ${describe(error)}`, id });
        }
      } finally {
        if (seq === loadSeq.current) setLoading(false);
      }
    },
    [api, selectConversation],
  );

  // On load: the conversation this browser showed last, else the latest one, else a new one.
  useEffect(() => {
    const stored = storedConversation(userId);
    const listed = refreshConversations();
    if (typeof stored === 'number') {
      void openConversation(stored);
      return;
    }
    if (stored === 'new') {
      setLoading(false);
      return;
    }
    const seq = loadSeq.current;
    void listed.then((list) => {
      if (seq !== loadSeq.current) return; // the user already chose
      const latest = list?.[0];
      if (latest) void openConversation(latest.id);
      else setLoading(false);
    });
    // Runs once: the callbacks only change with the user or the API client.
  }, [userId, refreshConversations, openConversation]);

  const startNew = useCallback(() => {
    loadSeq.current++;
    selectConversation(null, 'new');
    dispatch({ type: 'loaded', entries: [] });
    setHistoryError(null);
    setLoading(false);
    inputRef.current?.focus();
  }, [selectConversation]);

  const send = useCallback(
    async (text: string, retryKey?: string) => {
      if (pendingRef.current) return;
      const message = text.trim();
      const length = messageLength(message);
      if (length === 0) return;
      if (length > MESSAGE_MAX) {
        setDraftError(`Keep messages to ${MESSAGE_MAX} characters.`);
        return;
      }
      const key = retryKey ?? localKey();
      // The button that sent it (Send, an example, Retry) is disabled or gone while the turn
      // runs: keep keyboard users in the message box rather than lost on the page.
      if (document.activeElement !== inputRef.current) inputRef.current?.focus();
      pendingRef.current = true;
      setPending(true);
      setDraftError(null);
      dispatch({ type: 'sending', key, content: message });
      if (!retryKey) setDraft('');
      const current = conversationRef.current;
      try {
        const reply = await api.send(current === null ? { message } : { conversation_id: current, message });
        dispatch({
          type: 'answered',
          key,
          reply: { key: localKey(), role: 'assistant', content: reply.response, toolCalls: reply.tool_calls, status: 'sent' },
        });
        selectConversation(reply.conversation_id, reply.conversation_id);
        if (changesTasks(reply.tool_calls)) onTasksChanged?.();
        void refreshConversations();
      } catch (error) {
        if (error instanceof ApiError && error.status === 422) {
          // The text itself was refused: back into the input (unless something new is there).
          dispatch({ type: 'withdrawn', key });
          setDraft((typed) => (typed.trim() ? typed : message));
          setDraftError(error.detail);
        } else if (error instanceof ApiError && error.status === 404) {
          selectConversation(null, null);
          dispatch({ type: 'failed', key, error: 'This conversation no longer exists. Retry sends it in a new one.' });
        } else {
          dispatch({ type: 'failed', key, error: describe(error) });
          if (error instanceof ApiError && error.status === 401) window.location.assign('/sign-in');
        }
      } finally {
        pendingRef.current = false;
        setPending(false);
      }
    },
    [api, onTasksChanged, refreshConversations, selectConversation],
  );

  const removeConversation = useCallback(
    async (conversation: Conversation) => {
      try {
        await api.deleteConversation(conversation.id);
        setConversations((list) => list?.filter((c) => c.id !== conversation.id) ?? list);
        setListError(null);
        if (conversationRef.current === conversation.id) startNew();
        historySummaryRef.current?.focus();
      } catch (error) {
        setListError(`Could not delete “${conversation.title}”. ${describe(error)}`);
      }
    },
    [api, startNew],
  );

  // Keep the newest message in view.
  useEffect(() => {
    const log = logRef.current;
    if (log) log.scrollTop = log.scrollHeight;
  }, [entries, pending]);

  // Opening the drawer puts the cursor in the message box; closing returns to the toggle.
  const wasOpen = useRef(false);
  useEffect(() => {
    if (open && !wasOpen.current) inputRef.current?.focus();
    wasOpen.current = open;
  }, [open]);

  const close = () => {
    setOpen(false);
    toggleRef.current?.focus();
  };

  const onPanelKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && open) {
      event.stopPropagation();
      close();
    }
  };

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

  return (
    <>
      <button
        type="button"
        ref={toggleRef}
        className="chat-toggle primary"
        aria-controls="chat-panel"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        Assistant
      </button>
      <aside id="chat-panel" className={`chat-panel${open ? ' open' : ''}`} aria-labelledby="chat-heading" onKeyDown={onPanelKeyDown}>
        <div className="chat-head">
          <h2 id="chat-heading">Assistant</h2>
          <button type="button" onClick={startNew} disabled={pending || !hydrated}>
            New conversation
          </button>
          <button type="button" className="chat-close" aria-label="Close assistant" onClick={close}>
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
          role="log"
          aria-live="polite"
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
            <Bubble key={entry.key} entry={entry} canRetry={!pending} onRetry={() => void send(entry.content, entry.key)} />
          ))}
        </div>
        <p className="typing" role="status">
          {pending ? 'Assistant is typing…' : ''}
        </p>

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
      </aside>
    </>
  );
}

function Bubble({ entry, canRetry, onRetry }: { entry: ChatEntry; canRetry: boolean; onRetry: () => void }) {
  const mine = entry.role === 'user';
  return (
    <div className={`bubble ${mine ? 'from-user' : 'from-assistant'}${entry.status === 'failed' ? ' failed' : ''}`}>
      <span className="visually-hidden">{mine ? 'You said:' : 'Assistant said:'}</span>
      <p className="bubble-text">{entry.content}</p>
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
      {entry.status === 'failed' && (
        <div className="bubble-error" role="alert">
          <span>Not sent. {entry.error}</span>
          <button type="button" disabled={!canRetry} onClick={onRetry} aria-label="Retry sending">
            Retry
          </button>
        </div>
      )}
    </div>
  );
}
