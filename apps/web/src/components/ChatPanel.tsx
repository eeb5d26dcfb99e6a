'use client';

import { ApiError } from '@todo/api-client';
import { type ChatApi, type Conversation, createChatApi, MESSAGE_MAX } from '@todo/api-client/browser';
import {
  type FormEvent,
  type KeyboardEvent,
  useCallback,
  useEffect,
  useId,
  useMemo,
  useReducer,
  useRef,
  useState,
} from 'react';
import {
  changesTasks,
  chatReducer,
  entriesFromMessages,
  findSent,
  findStartedConversation,
  localKey,
  messageLength,
  rememberConversation,
  storedConversation,
  storedBefore,
} from '../lib/chat-state';
import { describe, spoken, STILL_WORKING } from '../lib/chat-text';
import { useChatDrawer } from '../lib/use-chat-drawer';
import { useHydrated } from '../lib/use-hydrated';
import { MessageBubble } from './MessageBubble';

const EXAMPLES = ['Add a task to buy groceries', "What's pending?", 'Show my completed tasks', 'Add call mom tomorrow'];

interface Props {
  userId: string;
  api?: ChatApi;
  /** Called when the assistant changed tasks (added, completed, deleted or updated one). */
  onTasksChanged?: () => void;
}

/**
 * No answer does not mean not stored: the API stores the user's message before the assistant
 * runs, and may finish the turn after the proxy gave up (504) or the connection broke (502,
 * a network error). Only refusals that come before storing (422, 429, 404…) are certain.
 */
const outcomeUnknown = (error: unknown) => !(error instanceof ApiError) || error.status === 0 || error.status >= 500;

/** A send that got no answer: what is needed to look for it (again) on the server. */
interface Unanswered {
  text: string;
  /** The conversation it went to; null when it was the first message of a new one. */
  conversationId: number | null;
  /** Conversations listed before it was sent (null: the list was not loaded). */
  knownIds: number[] | null;
  sentAt: number;
  /** Why the send failed, said if it turns out not to have arrived. */
  error: string;
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
  // What the polite status region says: new replies and errors, nothing else (the message
  // list itself is not live, so opening a conversation does not read it all out).
  const [announcement, setAnnouncement] = useState<{ text: string; id: number } | null>(null);

  // Refs for what async work must read at the moment it runs, not when it was scheduled.
  const conversationRef = useRef<number | null>(null);
  const pendingRef = useRef(false);
  const loadSeq = useRef(0);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const logRef = useRef<HTMLDivElement>(null);
  const historySummaryRef = useRef<HTMLElement>(null);
  const entriesRef = useRef(entries);
  const conversationsRef = useRef(conversations);
  const unanswered = useRef(new Map<string, Unanswered>());
  const announceSeq = useRef(0);
  useEffect(() => {
    entriesRef.current = entries;
    conversationsRef.current = conversations;
  });

  const announce = useCallback((text: string) => setAnnouncement({ text, id: ++announceSeq.current }), []);

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
          const message = `Could not load this conversation. ${describe(error)}`;
          setHistoryError({ message, id });
          announce(message);
        }
      } finally {
        if (seq === loadSeq.current) setLoading(false);
      }
    },
    [api, announce, selectConversation],
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

  /**
   * A send got no answer: read the conversation again (and the tasks, which its tools may
   * have changed) and show what the server has. Only a message that is certainly not there
   * is offered to be sent again; otherwise sending it twice could, say, add a task twice.
   */
  const check = useCallback(
    async (key: string) => {
      const sent = unanswered.current.get(key);
      if (!sent) return;
      dispatch({ type: 'checking', key });
      onTasksChanged?.();
      const notSent = (error: string) => {
        unanswered.current.delete(key);
        dispatch({ type: 'failed', key, error });
        announce(`Not sent. ${error}`);
      };
      try {
        let conversationId = sent.conversationId;
        if (conversationId === null) {
          const list = await api.listConversations();
          setConversations(list);
          setListError(null);
          conversationId = findStartedConversation(list, sent.text, sent.knownIds, sent.sentAt)?.id ?? null;
          if (conversationId === null) return notSent(sent.error);
        }
        const messages = await api.messages(conversationId);
        const found = findSent(storedBefore(entriesRef.current, key), messages, sent.text);
        if (!found) return notSent(sent.error);

        unanswered.current.delete(key);
        const stored = entriesFromMessages(messages);
        const mine = stored[found.index]!;
        if (!found.answered) {
          stored[found.index] = { ...mine, status: 'waiting' };
          unanswered.current.set(mine.key, { ...sent, conversationId });
        }
        // Messages that were never stored (refused, say) stay below, still offered to send.
        const unsent = entriesRef.current.filter((e) => e.status === 'failed' && e.key !== key);
        dispatch({ type: 'loaded', entries: [...stored, ...unsent] });
        selectConversation(conversationId, conversationId);
        void refreshConversations();
        if (found.answered) {
          const answer = stored[found.index + 1]!;
          announce(spoken(answer.content, answer.toolCalls));
        } else {
          announce(STILL_WORKING);
        }
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) {
          // The conversation is gone, and the message with it.
          selectConversation(null, null);
          return notSent('This conversation no longer exists. Retry sends it in a new one.');
        }
        const why = `${STILL_WORKING} Could not check whether your message arrived: ${describe(error)}`;
        dispatch({ type: 'unknown', key, error: why });
        announce(why);
        if (error instanceof ApiError && error.status === 401) window.location.assign('/sign-in');
      }
    },
    [api, announce, onTasksChanged, refreshConversations, selectConversation],
  );

  /** Runs `work` as the one turn in progress: nothing else is sent or opened meanwhile. */
  const exclusive = useCallback(async (work: () => Promise<void>) => {
    if (pendingRef.current) return;
    pendingRef.current = true;
    setPending(true);
    try {
      await work();
    } finally {
      pendingRef.current = false;
      setPending(false);
    }
  }, []);

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
      await exclusive(async () => {
        setDraftError(null);
        dispatch({ type: 'sending', key, content: message });
        if (!retryKey) setDraft('');
        const current = conversationRef.current;
        const knownIds = conversationsRef.current?.map((c) => c.id) ?? null;
        const sentAt = Date.now();
        try {
          const reply = await api.send(current === null ? { message } : { conversation_id: current, message });
          dispatch({
            type: 'answered',
            key,
            reply: { key: localKey(), role: 'assistant', content: reply.response, toolCalls: reply.tool_calls, status: 'sent' },
          });
          announce(spoken(reply.response, reply.tool_calls));
          selectConversation(reply.conversation_id, reply.conversation_id);
          if (changesTasks(reply.tool_calls)) onTasksChanged?.();
          void refreshConversations();
        } catch (error) {
          if (error instanceof ApiError && error.status === 422) {
            // The text itself was refused: back into the input (unless something new is there).
            dispatch({ type: 'withdrawn', key });
            setDraft((typed) => (typed.trim() ? typed : message));
            setDraftError(error.detail);
            announce(error.detail);
          } else if (error instanceof ApiError && error.status === 404) {
            selectConversation(null, null);
            const why = 'This conversation no longer exists. Retry sends it in a new one.';
            dispatch({ type: 'failed', key, error: why });
            announce(`Not sent. ${why}`);
          } else if (outcomeUnknown(error)) {
            unanswered.current.set(key, { text: message, conversationId: current, knownIds, sentAt, error: describe(error) });
            await check(key);
          } else {
            // Refused before anything was stored (a rate limit, say): safe to send again.
            const why = describe(error);
            dispatch({ type: 'failed', key, error: why });
            announce(`Not sent. ${why}`);
            if (error instanceof ApiError && error.status === 401) window.location.assign('/sign-in');
          }
        }
      });
    },
    [api, announce, check, exclusive, onTasksChanged, refreshConversations, selectConversation],
  );

  const checkAgain = useCallback((key: string) => void exclusive(() => check(key)), [check, exclusive]);

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
