'use client';
// The chat panel's turns: sending a message, and when no answer came, reading the
// conversation again before anything is offered to be sent twice. Builds on useConversations.
import { ApiError } from '@todo/api-client';
import { type ChatApi, createChatApi, MESSAGE_MAX } from '@todo/api-client/browser';
import { type RefObject, useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import {
  changesTasks,
  chatReducer,
  entriesFromMessages,
  findSent,
  findStartedConversation,
  localKey,
  messageLength,
  storedBefore,
} from './chat-state';
import { describe, spoken, STILL_WORKING } from './chat-text';
import { useConversations } from './use-conversations';

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

interface Options {
  userId: string;
  /** The chat API (a test's fake); by default the browser's client. */
  api?: ChatApi;
  /** Called when the assistant changed tasks (added, completed, deleted or updated one). */
  onTasksChanged?: () => void;
  /** The message box: a send keeps the cursor there. */
  inputRef: RefObject<HTMLTextAreaElement | null>;
}

export function useChatDelivery({ userId, api: injected, onTasksChanged, inputRef }: Options) {
  const api = useMemo(() => injected ?? createChatApi(), [injected]);
  const [entries, dispatch] = useReducer(chatReducer, []);
  const [pending, setPending] = useState(false);
  const [draft, setDraft] = useState('');
  const [draftError, setDraftError] = useState<string | null>(null);
  // What the polite status region says: new replies and errors, nothing else (the message
  // list itself is not live, so opening a conversation does not read it all out).
  const [announcement, setAnnouncement] = useState<{ text: string; id: number } | null>(null);

  // Refs for what async work must read at the moment it runs, not when it was scheduled.
  const pendingRef = useRef(false);
  const entriesRef = useRef(entries);
  const unanswered = useRef(new Map<string, Unanswered>());
  const announceSeq = useRef(0);
  useEffect(() => {
    entriesRef.current = entries;
  });

  const announce = useCallback((text: string) => setAnnouncement({ text, id: ++announceSeq.current }), []);
  const history = useConversations({ userId, api, dispatch, announce, inputRef });
  const { conversationRef, conversationsRef, selectConversation, showList, refreshConversations } = history;

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
          showList(list);
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
    [api, announce, onTasksChanged, refreshConversations, selectConversation, showList],
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
    [api, announce, check, conversationRef, conversationsRef, exclusive, inputRef, onTasksChanged, refreshConversations, selectConversation],
  );

  const checkAgain = useCallback((key: string) => void exclusive(() => check(key)), [check, exclusive]);

  // The panel gets what it shows and does; the refs and setters stay between the two hooks.
  const { conversationId, conversations, listError, loading, historyError, historySummaryRef, openConversation, startNew, removeConversation } =
    history;
  return {
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
  };
}
