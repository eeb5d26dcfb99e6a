import type { Task } from '@todo/api-client';
import { optimisticTask, tasksReducer, visibleTasks } from './tasks-state';

const task = (id: number, title: string, completed = false, description: string | null = null): Task => ({
  id, title, completed, description, user_id: 'u', created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z',
});

describe('tasksReducer', () => {
  const a = task(1, 'a');
  const b = task(2, 'b');

  it('adds, replaces and removes', () => {
    let state = tasksReducer([], { type: 'loaded', tasks: [a] });
    state = tasksReducer(state, { type: 'added', task: b });
    expect(state.map((t) => t.id)).toEqual([1, 2]);
    state = tasksReducer(state, { type: 'replaced', id: 2, task: { ...b, title: 'B' } });
    expect(state[1]!.title).toBe('B');
    state = tasksReducer(state, { type: 'removed', id: 1 });
    expect(state.map((t) => t.id)).toEqual([2]);
  });

  it('restores a removed task where it was, once', () => {
    const c = task(3, 'c');
    let state = tasksReducer([a, c], { type: 'restored', task: b, index: 1 });
    expect(state.map((t) => t.id)).toEqual([1, 2, 3]);
    state = tasksReducer(state, { type: 'restored', task: b, index: 1 });
    expect(state).toHaveLength(3);
  });
});

describe('visibleTasks', () => {
  const tasks = [task(1, 'Buy milk'), task(2, 'Call mom', true), task(3, 'Pay rent', false, 'before the 5th MILK money')];

  it('filters by status', () => {
    expect(visibleTasks(tasks, 'pending', '').map((t) => t.id)).toEqual([1, 3]);
    expect(visibleTasks(tasks, 'completed', '').map((t) => t.id)).toEqual([2]);
    expect(visibleTasks(tasks, 'all', '')).toHaveLength(3);
  });

  it('searches title and description, any case', () => {
    expect(visibleTasks(tasks, 'all', ' milk ').map((t) => t.id)).toEqual([1, 3]);
    expect(visibleTasks(tasks, 'completed', 'milk')).toEqual([]);
  });
});

describe('optimisticTask', () => {
  it('uses negative ids that never repeat', () => {
    const first = optimisticTask('u', 't', null);
    const second = optimisticTask('u', 't', null);
    expect(first.id).toBeLessThan(0);
    expect(second.id).toBeLessThan(first.id);
  });
});
