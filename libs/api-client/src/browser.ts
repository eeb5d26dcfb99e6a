// Browser-side access to the tasks, through the web server's same-origin proxy
// (/api/tasks...). The browser never learns the API's address or holds a token.
import { apiErrorFrom, collectPages, type Task, type TaskCreate, type TaskSort, type TaskStatusFilter, type TaskUpdate } from './index';

export const PROXY_PREFIX = '/api/tasks';

export interface ListOptions {
  status?: TaskStatusFilter;
  q?: string;
  sort?: TaskSort;
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
}

async function call<T>(path: string, init: RequestInit = {}, fetchImpl: typeof fetch = fetch): Promise<T> {
  let response: Response;
  try {
    response = await fetchImpl(`${PROXY_PREFIX}${path}`, {
      ...init,
      headers: { Accept: 'application/json', ...(init.body ? { 'Content-Type': 'application/json' } : {}) },
      cache: 'no-store',
    });
  } catch {
    throw apiErrorFrom(0, { detail: 'cannot reach the server; check your connection and retry' });
  }
  if (response.status === 204) return undefined as T;
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) throw apiErrorFrom(response.status, body);
  return body as T;
}

export function createTasksApi(fetchImpl: typeof fetch = (...args) => fetch(...args)) {
  return {
    list(options: ListOptions = {}): Promise<Task[]> {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(options)) {
        if (value !== undefined && value !== '') params.set(key, String(value));
      }
      const query = params.toString();
      return call<Task[]>(query ? `?${query}` : '', {}, fetchImpl);
    },
    /** All the user's tasks, however many pages that takes. */
    listAll(options: Omit<ListOptions, 'limit' | 'offset'> = {}): Promise<Task[]> {
      return collectPages((offset, limit) => this.list({ ...options, offset, limit }));
    },
    create(body: TaskCreate): Promise<Task> {
      return call<Task>('', { method: 'POST', body: JSON.stringify(body) }, fetchImpl);
    },
    update(id: number, body: TaskUpdate): Promise<Task> {
      return call<Task>(`/${id}`, { method: 'PUT', body: JSON.stringify(body) }, fetchImpl);
    },
    setCompleted(id: number, completed: boolean): Promise<Task> {
      return call<Task>(`/${id}/complete`, { method: 'PATCH', body: JSON.stringify({ completed }) }, fetchImpl);
    },
    remove(id: number): Promise<void> {
      return call<void>(`/${id}`, { method: 'DELETE' }, fetchImpl);
    },
  };
}

export type TasksApi = ReturnType<typeof createTasksApi>;
