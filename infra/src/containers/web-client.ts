// A user of the app over HTTP, through web only (the browser's path): sign up or in with
// Better Auth's email endpoints, then tasks and the assistant's conversations through web's
// proxy. For the container e2e runs.

export interface WebUser {
  email: string;
  password: string;
  cookie: string;
}

/** What one user sees, as the comparison of a backup round trip needs it (ids included). */
export interface UserView {
  tasks: { id: number; title: string; description: string | null; completed: boolean }[];
  conversations: { id: number; title: string; messages: { id: number; role: string; content: string }[] }[];
}

async function call<T>(webUrl: string, path: string, init: RequestInit & { cookie?: string } = {}): Promise<{ status: number; body: T; cookie: string }> {
  const headers: Record<string, string> = { origin: webUrl, ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.cookie ? { cookie: init.cookie } : {}) };
  const response = await fetch(`${webUrl}${path}`, { ...init, headers, signal: AbortSignal.timeout(70_000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  const cookie = response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T, cookie };
}

export async function signUp(webUrl: string, email: string, password: string, name: string): Promise<WebUser> {
  const { cookie } = await call(webUrl, '/api/auth/sign-up/email', { method: 'POST', body: JSON.stringify({ email, password, name }) });
  if (!cookie) throw new Error(`sign-up of ${email} set no session cookie`);
  return { email, password, cookie };
}

export async function signIn(webUrl: string, email: string, password: string): Promise<WebUser> {
  const { cookie } = await call(webUrl, '/api/auth/sign-in/email', { method: 'POST', body: JSON.stringify({ email, password }) });
  if (!cookie) throw new Error(`sign-in of ${email} set no session cookie`);
  return { email, password, cookie };
}

export async function createTask(webUrl: string, user: WebUser, title: string, description?: string): Promise<{ id: number }> {
  return (await call<{ id: number }>(webUrl, '/api/tasks', { method: 'POST', cookie: user.cookie, body: JSON.stringify({ title, description }) })).body;
}

export async function completeTask(webUrl: string, user: WebUser, id: number): Promise<void> {
  await call(webUrl, `/api/tasks/${id}/complete`, { method: 'PATCH', cookie: user.cookie });
}

/** One chat turn (the offline assistant answers when no model is configured); the conversation's id. */
export async function chat(webUrl: string, user: WebUser, message: string, conversationId?: number): Promise<number> {
  const body = JSON.stringify({ message, ...(conversationId ? { conversation_id: conversationId } : {}) });
  return (await call<{ conversation_id: number }>(webUrl, '/api/chat', { method: 'POST', cookie: user.cookie, body })).body.conversation_id;
}

export async function view(webUrl: string, user: WebUser): Promise<UserView> {
  const tasks = (await call<UserView['tasks']>(webUrl, '/api/tasks', { cookie: user.cookie })).body;
  const conversations = (await call<{ id: number; title: string }[]>(webUrl, '/api/conversations', { cookie: user.cookie })).body;
  return {
    tasks: tasks.map(({ id, title, description, completed }) => ({ id, title, description, completed })).sort((a, b) => a.id - b.id),
    conversations: await Promise.all(
      conversations
        .sort((a, b) => a.id - b.id)
        .map(async ({ id, title }) => ({
          id,
          title,
          messages: (await call<UserView['conversations'][number]['messages']>(webUrl, `/api/conversations/${id}/messages`, { cookie: user.cookie })).body.map(({ id: mid, role, content }) => ({ id: mid, role, content })),
        })),
    ),
  };
}
