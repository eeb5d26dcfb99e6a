'use client';

import type { Task } from '@todo/api-client';
import { useEffect, useRef, useState } from 'react';
import { type DraftErrors, draftToBody, validateDraft } from '../lib/validation';
import { TaskForm } from './TaskForm';
import { TaskNumber } from './TaskNumber';

interface Props {
  task: Task;
  /** Not confirmed yet, or a change is on its way: controls wait. */
  busy: boolean;
  /** Resolves to null when saved, else the errors to show (empty when shown elsewhere). */
  onUpdate: (before: Task, changes: Partial<Pick<Task, 'title' | 'description' | 'completed'>>) => Promise<DraftErrors | null>;
  onDelete: (task: Task) => void;
}

export function TaskItem({ task, busy, onUpdate, onDelete }: Props) {
  const [editing, setEditing] = useState(false);
  const saving = busy;
  const editButton = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);
  // Closing the editor (save or cancel) puts focus back on this row's Edit button.
  useEffect(() => {
    if (wasEditing.current && !editing) editButton.current?.focus();
    wasEditing.current = editing;
  }, [editing]);

  if (editing) {
    return (
      <li className="task editing">
        <TaskForm
          idPrefix={`edit-${task.id}`}
          submitLabel="Save"
          initial={{ title: task.title, description: task.description ?? '' }}
          autoFocus
          onCancel={() => setEditing(false)}
          onSubmit={async (draft) => {
            const errors = validateDraft(draft);
            if (Object.keys(errors).length) return errors;
            const result = await onUpdate(task, draftToBody(draft));
            if (result === null) setEditing(false);
            return result; // on failure the form stays open with the user's text
          }}
        />
      </li>
    );
  }

  return (
    <li className={`task${task.completed ? ' done' : ''}`} aria-busy={saving}>
      <input
        type="checkbox"
        id={`task-${task.id}`}
        checked={task.completed}
        // aria-disabled, not disabled: a keyboard user's focus stays on the box while it saves.
        aria-disabled={saving}
        onChange={(e) => {
          if (!saving) void onUpdate(task, { completed: e.target.checked });
        }}
      />
      <div className="task-text">
        <label htmlFor={`task-${task.id}`} className="task-title">
          {task.title}
        </label>
        {/* Not until the API has given the task its number (an optimistic row's id is negative). */}
        {task.id > 0 && (
          <>
            {' '}
            <TaskNumber id={task.id} />
          </>
        )}
        {task.description && <p className="task-description">{task.description}</p>}
      </div>
      <div className="task-actions">
        <button type="button" ref={editButton} disabled={saving} onClick={() => setEditing(true)} aria-label={`Edit “${task.title}”`}>
          Edit
        </button>
        <button type="button" disabled={saving} onClick={() => onDelete(task)} aria-label={`Delete “${task.title}”`}>
          Delete
        </button>
      </div>
    </li>
  );
}
