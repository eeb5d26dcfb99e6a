// @todo/api-client: the one way this workspace's TypeScript talks to the API.
// Types come from the API's OpenAPI document (src/generated, `nx run api-client:generate`).
import type { components, paths } from './generated/openapi';

export type { components, paths };
export { DESCRIPTION_MAX, MESSAGE_MAX, TITLE_MAX, TITLE_MIN } from './generated/limits';

export type Task = components['schemas']['TaskPublic'];
export type TaskCreate = components['schemas']['TaskCreate'];
export type TaskUpdate = components['schemas']['TaskUpdate'];
export type ChatRequest = components['schemas']['ChatRequest'];
export type ChatResponse = components['schemas']['ChatResponse'];
export type Conversation = components['schemas']['ConversationPublic'];
export type ChatMessage = components['schemas']['MessagePublic'];
export type ToolCall = components['schemas']['ToolCallPublic'];
export type TaskStatusFilter = NonNullable<
  NonNullable<paths['/api/{user_id}/tasks']['get']['parameters']['query']>['status']
>;
export type TaskSort = NonNullable<NonNullable<paths['/api/{user_id}/tasks']['get']['parameters']['query']>['sort']>;

/** One entry of a 422 body: where the problem is and what it is. */
export interface FieldError {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** An error answer from the API (or the web's proxy), with the API's own words. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly fieldErrors: FieldError[] = [],
    /** The answer's X-Request-ID: what a user quotes so an operator finds the log lines. */
    readonly requestId?: string,
  ) {
    super(detail);
    this.name = 'ApiError';
  }

  /** The message for one body field ("title"), if the API named it. */
  fieldMessage(field: string): string | undefined {
    return this.fieldErrors.find((e) => e.loc[0] === 'body' && e.loc[1] === field)?.msg;
  }
}

/** Builds an ApiError from any JSON error body the API sends (string or 422 list). */
export function apiErrorFrom(status: number, body: unknown, requestId?: string): ApiError {
  const detail = (body as { detail?: unknown } | null)?.detail;
  if (Array.isArray(detail)) {
    const errors = detail as FieldError[];
    const text = errors.map((e) => `${e.loc.filter((p) => p !== 'body').join('.') || 'body'}: ${e.msg}`).join('; ');
    return new ApiError(status, text || 'invalid input', errors, requestId);
  }
  if (typeof detail === 'string') return new ApiError(status, detail, [], requestId);
  return new ApiError(status, `request failed with status ${status}`, [], requestId);
}

/** The API's largest page. */
export const PAGE_SIZE = 500;

/** Every row of a paged list: asks page after page until one comes back short. */
export async function collectPages<T>(fetchPage: (offset: number, limit: number) => Promise<T[]>, pageSize = PAGE_SIZE): Promise<T[]> {
  const rows: T[] = [];
  for (let offset = 0; ; offset += pageSize) {
    const page = await fetchPage(offset, pageSize);
    rows.push(...page);
    if (page.length < pageSize) return rows;
  }
}
