'use client';

import { ApiError, type Task } from '@todo/api-client';
import { createTasksApi, type TasksApi } from '@todo/api-client/browser';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { type Filter, optimisticTask, tasksReducer, visibleTasks } from '../lib/tasks-state';
import { type DraftErrors, draftToBody, validateDraft } from '../lib/validation';
import { TaskForm } from './TaskForm';
import { TaskItem } from './TaskItem';

const FILTERS: { value: Filter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'pending', label: 'Pending' },
  { value: 'completed', label: 'Completed' },
];

interface Failure {
  message: string;
  retry?: () => void;
}

interface Props {
  userId: string;
  initialTasks: Task[] | null;
  initialError?: string | null;
  api?: TasksApi;
  /** Read the list again whenever this changes (the assistant changed tasks). */
  refreshSignal?: number;
}

const isRetryable = (error: unknown) => !(error instanceof ApiError) || error.status === 0 || error.status >= 500;

function describe(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 0 || error.status === 502 || error.status === 503) return 'The task service is not answering.';
    if (error.status === 401) return 'Your session has ended. Sign in again.';
    return error.detail;
  }
  return 'Something went wrong.';
}

export function TaskBoard({ userId, initialTasks, initialError = null, api: injected, refreshSignal = 0 }: Props) {
  const api = useMemo(() => injected ?? createTasksApi(), [injected]);
  const [tasks, dispatch] = useReducer(tasksReducer, initialTasks ?? []);
  const [loaded, setLoaded] = useState(initialTasks !== null);
  const [filter, setFilter] = useState<Filter>('all');
  const [search, setSearch] = useState('');
  const [failure, setFailure] = useState<Failure | null>(initialError ? { message: initialError } : null);
  const [status, setStatus] = useState('');
  const [undo, setUndo] = useState<{ task: Task; index: number } | null>(null);
  const newTitleRef = useRef<HTMLInputElement>(null);
  const undoRef = useRef<HTMLButtonElement>(null);
  // A confirmed task keeps the React key of its optimistic stand-in, so its row (and focus)
  // survives the swap.
  const rowKeys = useRef(new Map<number, number>());
  // One change at a time per task: its controls wait until the API has answered, so two
  // quick clicks can never reach the server out of order.
  const [busyIds, setBusyIds] = useState<ReadonlySet<number>>(new Set());
  const setBusy = useCallback((id: number, busy: boolean) => {
    setBusyIds((current) => {
      const next = new Set(current);
      if (busy) next.add(id);
      else next.delete(id);
      return next;
    });
  }, []);

  const fail = useCallback((error: unknown, retry?: () => void) => {
    setFailure({ message: describe(error), retry });
    if (error instanceof ApiError && error.status === 401) window.location.assign('/sign-in');
  }, []);

  const reload = useCallback(async () => {
    try {
      dispatch({ type: 'loaded', tasks: await api.listAll() });
      setLoaded(true);
      setFailure(null);
    } catch (error) {
      fail(error, () => void reload());
    }
  }, [api, fail]);

  const seenSignal = useRef(refreshSignal);
  useEffect(() => {
    if (refreshSignal === seenSignal.current) return;
    seenSignal.current = refreshSignal;
    void reload();
  }, [refreshSignal, reload]);

  // Add: show at once, confirm or roll back. On failure the form keeps what was typed.
  const add = useCallback(
    async (title: string, description: string | null): Promise<DraftErrors | null> => {
      const temporary = optimisticTask(userId, title, description);
      dispatch({ type: 'added', task: temporary });
      try {
        const created = await api.create({ title, description });
        rowKeys.current.set(created.id, temporary.id);
        dispatch({ type: 'replaced', id: temporary.id, task: created });
        setStatus(`Added “${created.title}”.`);
        setFailure(null);
        return null;
      } catch (error) {
        dispatch({ type: 'removed', id: temporary.id });
        if (error instanceof ApiError && error.status === 422) {
          return { title: error.fieldMessage('title'), description: error.fieldMessage('description') ?? (error.fieldMessage('title') ? undefined : error.detail) };
        }
        fail(error);
        return { title: undefined };
      }
    },
    [api, fail, userId],
  );

  const update = useCallback(
    async (before: Task, changes: Partial<Pick<Task, 'title' | 'description' | 'completed'>>): Promise<DraftErrors | null> => {
      dispatch({ type: 'replaced', id: before.id, task: { ...before, ...changes } });
      setBusy(before.id, true);
      try {
        const saved =
          Object.keys(changes).length === 1 && 'completed' in changes
            ? await api.setCompleted(before.id, Boolean(changes.completed))
            : await api.update(before.id, changes);
        dispatch({ type: 'replaced', id: before.id, task: saved });
        setFailure(null);
        return null;
      } catch (error) {
        dispatch({ type: 'replaced', id: before.id, task: before });
        if (error instanceof ApiError && error.status === 422) {
          // The API's own words, on the fields they name; retrying the same change is pointless.
          return { title: error.fieldMessage('title'), description: error.fieldMessage('description') ?? error.detail };
        }
        fail(error, isRetryable(error) ? () => void update(before, changes) : undefined);
        return {};
      } finally {
        setBusy(before.id, false);
      }
    },
    [api, fail, setBusy],
  );

  const remove = useCallback(
    async (task: Task) => {
      const index = tasks.findIndex((t) => t.id === task.id);
      dispatch({ type: 'removed', id: task.id });
      try {
        await api.remove(task.id);
        setUndo({ task, index });
        setStatus(`Deleted “${task.title}”.`);
        setFailure(null);
      } catch (error) {
        dispatch({ type: 'restored', task, index });
        fail(error, () => void remove(task));
      }
    },
    [api, fail, tasks],
  );

  // Undo re-creates the deleted task (a new id, same content and state). The offer stays
  // until that has worked, and a failure can be retried.
  const undoDelete = useCallback(async () => {
    if (!undo) return;
    const { task } = undo;
    try {
      const restored = await api.create({ title: task.title, description: task.description ?? null });
      dispatch({ type: 'added', task: restored });
      setUndo(null);
      setStatus(`Restored “${restored.title}”.`);
      setFailure(null);
      if (task.completed) await update(restored, { completed: true });
    } catch (error) {
      fail(error, () => void undoDelete());
    }
  }, [api, fail, undo, update]);

  // After a delete the focused Delete button is gone: keep keyboard users where the action is.
  const undoTaskId = undo?.task.id;
  useEffect(() => {
    if (undoTaskId !== undefined) undoRef.current?.focus();
  }, [undoTaskId]);

  const shown = visibleTasks(tasks, filter, search);
  const pending = tasks.filter((t) => !t.completed).length;

  return (
    <section className="board" aria-labelledby="tasks-heading">
      <div className="board-head">
        <h1 id="tasks-heading">Your tasks</h1>
        <p className="muted">{loaded ? `${pending} pending of ${tasks.length}` : ' '}</p>
      </div>

      <TaskForm
        idPrefix="new"
        submitLabel="Add task"
        titleRef={newTitleRef}
        onSubmit={async (draft) => {
          const errors = validateDraft(draft);
          if (Object.keys(errors).length) return errors;
          const body = draftToBody(draft);
          return add(body.title, body.description);
        }}
        resetOnSuccess
      />

      <div className="toolbar">
        <div role="group" aria-label="Show" className="filters">
          {FILTERS.map((f) => (
            <button key={f.value} type="button" aria-pressed={filter === f.value} onClick={() => setFilter(f.value)}>
              {f.label}
            </button>
          ))}
        </div>
        <label className="search">
          <span className="visually-hidden">Search tasks</span>
          <input type="search" placeholder="Search tasks" value={search} onChange={(e) => setSearch(e.target.value)} />
        </label>
      </div>

      {failure && (
        <div role="alert" className="alert">
          <span>{failure.message}</span>
          <button type="button" onClick={() => (failure.retry ? failure.retry() : void reload())}>
            Retry
          </button>
        </div>
      )}
      {undo && (
        <div className="undo" role="status">
          <span>Deleted “{undo.task.title}”.</span>
          <button type="button" ref={undoRef} onClick={() => void undoDelete()}>
            Undo
          </button>
          <button type="button" aria-label="Dismiss" onClick={() => setUndo(null)}>
            ×
          </button>
        </div>
      )}
      <p className="visually-hidden" aria-live="polite">
        {status}
      </p>

      {!loaded && !failure && <p className="muted">Loading tasks…</p>}
      {loaded && tasks.length === 0 && <p className="empty">No tasks yet. Add your first one above.</p>}
      {loaded && tasks.length > 0 && shown.length === 0 && <p className="empty">No tasks match.</p>}
      <ul className="task-list" aria-label="Tasks">
        {shown.map((task) => (
          <TaskItem
            key={rowKeys.current.get(task.id) ?? task.id}
            task={task}
            busy={task.id < 0 || busyIds.has(task.id)}
            onUpdate={update}
            onDelete={remove}
          />
        ))}
      </ul>
    </section>
  );
}

