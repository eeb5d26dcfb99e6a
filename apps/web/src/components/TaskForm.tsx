'use client';

import { DESCRIPTION_MAX, TITLE_MAX } from '@todo/api-client';
import { type FormEvent, type RefObject, useId, useState } from 'react';
import { useHydrated } from '../lib/use-hydrated';
import type { DraftErrors, TaskDraft } from '../lib/validation';

interface Props {
  idPrefix: string;
  submitLabel: string;
  initial?: TaskDraft;
  titleRef?: RefObject<HTMLInputElement | null>;
  resetOnSuccess?: boolean;
  /** Focus the title when the form appears (the in-place editor). */
  autoFocus?: boolean;
  /** Resolves to field errors to show, or null when saved. */
  onSubmit: (draft: TaskDraft) => Promise<DraftErrors | null>;
  onCancel?: () => void;
}

export function TaskForm({ idPrefix, submitLabel, initial, titleRef, resetOnSuccess, autoFocus, onSubmit, onCancel }: Props) {
  const [draft, setDraft] = useState<TaskDraft>(initial ?? { title: '', description: '' });
  const [errors, setErrors] = useState<DraftErrors>({});
  const [busy, setBusy] = useState(false);
  const hydrated = useHydrated();
  const uid = useId();
  const titleId = `${idPrefix}-title-${uid}`;
  const descriptionId = `${idPrefix}-description-${uid}`;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    let result: DraftErrors | null;
    try {
      result = await onSubmit(draft);
    } finally {
      setBusy(false);
    }
    if (result === null) {
      setErrors({});
      if (resetOnSuccess) setDraft({ title: '', description: '' });
    } else {
      setErrors(result);
    }
  }

  return (
    <form
      className="task-form"
      onSubmit={submit}
      onKeyDown={(e) => e.key === 'Escape' && onCancel?.()}
      aria-label={submitLabel}
      noValidate
    >
      <fieldset className="plain" disabled={!hydrated}>
      <div className="field">
        <label htmlFor={titleId}>Title</label>
        <input
          id={titleId}
          ref={titleRef}
          autoFocus={autoFocus}
          value={draft.title}
          maxLength={TITLE_MAX + 50}
          required
          aria-invalid={Boolean(errors.title)}
          aria-describedby={errors.title ? `${titleId}-error` : undefined}
          onChange={(e) => setDraft({ ...draft, title: e.target.value })}
        />
        {errors.title && (
          <p id={`${titleId}-error`} className="field-error">
            {errors.title}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor={descriptionId}>Description (optional)</label>
        <textarea
          id={descriptionId}
          value={draft.description}
          rows={2}
          aria-invalid={Boolean(errors.description)}
          aria-describedby={errors.description ? `${descriptionId}-error` : undefined}
          onChange={(e) => setDraft({ ...draft, description: e.target.value })}
        />
        <p className="hint">
          {[...draft.description].length}/{DESCRIPTION_MAX}
        </p>
        {errors.description && (
          <p id={`${descriptionId}-error`} className="field-error">
            {errors.description}
          </p>
        )}
      </div>
      </fieldset>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || !hydrated}>
          {submitLabel}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
