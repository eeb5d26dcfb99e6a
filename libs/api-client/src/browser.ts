// Browser-side access to the tasks and the assistant, through the web server's same-origin
// proxy (/api/tasks..., /api/chat, /api/conversations...). The browser never learns the
// API's address or holds a token.
import {
  ApiError,
  apiErrorFrom,
  type ChatMessage,
  type ChatRequest,
  type ChatResponse,
  collectPages,
  type Conversation,
  type FieldError,
  type Task,
  type TaskCreate,
  type TaskSort,
  type TaskStatusFilter,
  type TaskUpdate,
  type ToolCall,
} from './index';

export const PROXY_PREFIX = '/api/tasks';

export interface ListOptions {
  status?: TaskStatusFilter;
  q?: string;
  sort?: TaskSort;
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
}

/** An error answer that also said when to try again (429, or a 502 with Retry-After). */
export class RetryLaterError extends ApiError {
  constructor(
    status: number,
    detail: string,
    fieldErrors: FieldError[],
    /** Seconds to wait, from the Retry-After header. */
    readonly retryAfterSeconds: number,
    requestId?: string,
  ) {
    super(status, detail, fieldErrors, requestId);
    this.name = 'RetryLaterError';
  }
}

function retryAfterSeconds(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** One call to the web origin's proxy; an error answer becomes an ApiError with the API's words. */
async function request<T>(url: string, init: RequestInit = {}, fetchImpl: typeof fetch = fetch): Promise<T> {
  let response: Response;
  try {
    response = await fetchImpl(url, {
      ...init,
      headers: { Accept: 'application/json', ...(init.body ? { 'Content-Type': 'application/json' } : {}) },
      cache: 'no-store',
    });
  } catch {
    throw apiErrorFrom(0, { detail: 'cannot reach the server; check your connection and retry' });
  }
  if (response.status === 204) return undefined as T;
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = apiErrorFrom(response.status, body, response.headers.get('x-request-id') ?? undefined);
    const wait = retryAfterSeconds(response.headers.get('retry-after'));
    throw wait === undefined ? error : new RetryLaterError(error.status, error.detail, error.fieldErrors, wait, error.requestId);
  }
  return body as T;
}

function call<T>(path: string, init: RequestInit = {}, fetchImpl: typeof fetch = fetch): Promise<T> {
  return request<T>(`${PROXY_PREFIX}${path}`, init, fetchImpl);
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

// --- The assistant ---------------------------------------------------------------------

// Shapes of the chat endpoints, from the API's OpenAPI document.
export type { ChatMessage, ChatRequest, ChatResponse, Conversation, ToolCall };
export { MESSAGE_MAX } from './generated/limits';

export const CHAT_PATH = '/api/chat';
export const CONVERSATIONS_PATH = '/api/conversations';

export function createChatApi(fetchImpl: typeof fetch = (...args) => fetch(...args)) {
  return {
    /** One turn: the user's message in, the assistant's answer (and what its tools did) out. */
    send(body: ChatRequest): Promise<ChatResponse> {
      return request<ChatResponse>(CHAT_PATH, { method: 'POST', body: JSON.stringify(body) }, fetchImpl);
    },
    /** The user's conversations, most recently active first. */
    listConversations(limit?: number): Promise<Conversation[]> {
      return request<Conversation[]>(limit === undefined ? CONVERSATIONS_PATH : `${CONVERSATIONS_PATH}?limit=${limit}`, {}, fetchImpl);
    },
    /** One conversation's messages, oldest first. */
    messages(conversationId: number): Promise<ChatMessage[]> {
      return request<ChatMessage[]>(`${CONVERSATIONS_PATH}/${conversationId}/messages`, {}, fetchImpl);
    },
    deleteConversation(conversationId: number): Promise<void> {
      return request<void>(`${CONVERSATIONS_PATH}/${conversationId}`, { method: 'DELETE' }, fetchImpl);
    },
  };
}

export type ChatApi = ReturnType<typeof createChatApi>;
