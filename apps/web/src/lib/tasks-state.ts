// The task list's state, with optimistic changes that can be rolled back exactly.
import type { Task } from '@todo/api-client';

export type Filter = 'all' | 'pending' | 'completed';

export type TasksAction =
  | { type: 'loaded'; tasks: Task[] }
  | { type: 'added'; task: Task } // optimistic (negative id) or confirmed
  | { type: 'replaced'; id: number; task: Task } // optimistic id -> confirmed task, or new version
  | { type: 'removed'; id: number }
  | { type: 'restored'; task: Task; index: number }; // roll back a removal where it was

export function tasksReducer(tasks: Task[], action: TasksAction): Task[] {
  switch (action.type) {
    case 'loaded':
      return action.tasks;
    case 'added':
      return [...tasks, action.task];
    case 'replaced':
      return tasks.map((t) => (t.id === action.id ? action.task : t));
    case 'removed':
      return tasks.filter((t) => t.id !== action.id);
    case 'restored': {
      if (tasks.some((t) => t.id === action.task.id)) return tasks;
      const next = [...tasks];
      next.splice(Math.min(action.index, next.length), 0, action.task);
      return next;
    }
  }
}

/** The tasks to show for a filter and a search text (title or description, any case). */
export function visibleTasks(tasks: Task[], filter: Filter, search: string): Task[] {
  const needle = search.trim().toLocaleLowerCase();
  return tasks.filter((task) => {
    if (filter === 'pending' && task.completed) return false;
    if (filter === 'completed' && !task.completed) return false;
    if (!needle) return true;
    return `${task.title}\n${task.description ?? ''}`.toLocaleLowerCase().includes(needle);
  });
}

let nextTemporaryId = -1;
/** A stand-in for a task the API has not confirmed yet (negative ids never clash). */
export function optimisticTask(userId: string, title: string, description: string | null): Task {
  const now = new Date().toISOString();
  return { id: nextTemporaryId--, user_id: userId, title, description, completed: false, created_at: now, updated_at: now };
}
