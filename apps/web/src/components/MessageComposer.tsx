'use client';

import { MESSAGE_MAX } from '@todo/api-client/browser';
import type { FormEvent, KeyboardEvent, RefObject } from 'react';
import { messageLength } from '../lib/chat-state';

interface Props {
  /** The panel's useId, so the ids stay those the panel has always rendered. */
  uid: string;
  inputRef: RefObject<HTMLTextAreaElement | null>;
  draft: string;
  setDraft: (text: string) => void;
  /** Why the last send was refused (too long, or the API's 422). */
  draftError: string | null;
  clearDraftError: () => void;
  hydrated: boolean;
  pending: boolean;
  loading: boolean;
  onSend: (text: string) => void;
}

/** The message box with its counter and Send; Enter sends, Shift+Enter adds a line. */
export function MessageComposer({ uid, inputRef, draft, setDraft, draftError, clearDraftError, hydrated, pending, loading, onSend }: Props) {
  const inputId = `chat-input-${uid}`;
  const counterId = `chat-counter-${uid}`;
  const draftErrorId = `chat-error-${uid}`;
  const length = messageLength(draft);
  const tooLong = length > MESSAGE_MAX;

  const onInputKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // Enter sends, Shift+Enter is a new line; Enter that ends an IME composition is neither.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      if (!pending && !loading) onSend(draft);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!pending && !loading) onSend(draft);
  };

  return (
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
          if (draftError) clearDraftError();
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
  );
}
