'use client';
// The chat panel's conversations: the list of past ones, which one is open (remembered per
// user), loading its messages, starting a new one, deleting one. useChatDelivery builds on it.
import { ApiError } from '@todo/api-client';
import type { ChatApi, Conversation } from '@todo/api-client/browser';
import { type Dispatch, type RefObject, useCallback, useEffect, useRef, useState } from 'react';
import { type ChatAction, entriesFromMessages, rememberConversation, storedConversation } from './chat-state';
import { describe } from './chat-text';

interface Options {
  userId: string;
  api: ChatApi;
  /** The message history's reducer (owned by useChatDelivery). */
  dispatch: Dispatch<ChatAction>;
  /** Says something in the panel's polite status region. */
  announce: (text: string) => void;
  /** The message box: a new conversation puts the cursor there. */
  inputRef: RefObject<HTMLTextAreaElement | null>;
}

export function useConversations({ userId, api, dispatch, announce, inputRef }: Options) {
  const [conversationId, setConversationId] = useState<number | null>(null);
  const [conversations, setConversations] = useState<Conversation[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [historyError, setHistoryError] = useState<{ message: string; id: number } | null>(null);

  // Refs for what async work must read at the moment it runs, not when it was scheduled.
  const conversationRef = useRef<number | null>(null);
  const conversationsRef = useRef(conversations);
  const loadSeq = useRef(0);
  // Where focus goes after a delete (the button that was pressed is gone).
  const historySummaryRef = useRef<HTMLElement>(null);
  useEffect(() => {
    conversationsRef.current = conversations;
  });

  const selectConversation = useCallback(
    (id: number | null, remember: number | 'new' | null) => {
      conversationRef.current = id;
      setConversationId(id);
      rememberConversation(userId, remember);
    },
    [userId],
  );

  /** Shows a list just read from the API. */
  const showList = useCallback((list: Conversation[]) => {
    setConversations(list);
    setListError(null);
  }, []);

  const refreshConversations = useCallback(async (): Promise<Conversation[] | null> => {
    try {
      const list = await api.listConversations();
      showList(list);
      return list;
    } catch (error) {
      setListError(`Could not load past conversations. ${describe(error)}`);
      return null;
    }
  }, [api, showList]);

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
    [api, announce, dispatch, selectConversation],
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
  }, [dispatch, inputRef, selectConversation]);

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

  return {
    conversationId,
    conversations,
    listError,
    loading,
    historyError,
    conversationRef,
    conversationsRef,
    historySummaryRef,
    selectConversation,
    showList,
    refreshConversations,
    openConversation,
    startNew,
    removeConversation,
  };
}
