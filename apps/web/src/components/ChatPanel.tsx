'use client';

import type { ChatApi } from '@todo/api-client/browser';
import { useId, useRef } from 'react';
import { useChatDelivery } from '../lib/use-chat-delivery';
import { useChatDrawer } from '../lib/use-chat-drawer';
import { useHydrated } from '../lib/use-hydrated';
import { ConversationList } from './ConversationList';
import { MessageComposer } from './MessageComposer';
import { MessageLog } from './MessageLog';

interface Props {
  userId: string;
  api?: ChatApi;
  /** Called when the assistant changed tasks (added, completed, deleted or updated one). */
  onTasksChanged?: () => void;
}

/**
 * The assistant: beside the tasks on wide screens, a drawer over them on narrow ones.
 * Delivery (useChatDelivery) and the drawer (useChatDrawer) live in hooks; this lays it out.
 */
export function ChatPanel({ userId, api, onTasksChanged }: Props) {
  const hydrated = useHydrated();
  const uid = useId();
  // The message box: sends, a new conversation and opening the drawer put the cursor there.
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const chat = useChatDelivery({ userId, api, onTasksChanged, inputRef });
  const drawer = useChatDrawer(inputRef);
  const { pending, send } = chat;

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
        {chat.announcement && <p key={chat.announcement.id}>{chat.announcement.text}</p>}
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
          <button type="button" onClick={chat.startNew} disabled={pending || !hydrated}>
            New conversation
          </button>
          <button type="button" className="chat-close" aria-label="Close assistant" onClick={drawer.close}>
            ×
          </button>
        </div>

        <ConversationList
          conversations={chat.conversations}
          conversationId={chat.conversationId}
          error={chat.listError}
          pending={pending}
          summaryRef={chat.historySummaryRef}
          onReload={() => void chat.refreshConversations()}
          onOpen={(id) => void chat.openConversation(id)}
          onDelete={(conversation) => void chat.removeConversation(conversation)}
        />

        <MessageLog
          entries={chat.entries}
          pending={pending}
          loading={chat.loading}
          historyError={chat.historyError}
          hydrated={hydrated}
          onReload={(id) => void chat.openConversation(id)}
          onSend={(text, retryKey) => void send(text, retryKey)}
          onCheck={chat.checkAgain}
        />

        <MessageComposer
          uid={uid}
          inputRef={inputRef}
          draft={chat.draft}
          setDraft={chat.setDraft}
          draftError={chat.draftError}
          clearDraftError={() => chat.setDraftError(null)}
          hydrated={hydrated}
          pending={pending}
          loading={chat.loading}
          onSend={(text) => void send(text)}
        />
      </div>
    </>
  );
}
