// The tasks page, rendered on the server with the user's tasks, then live in the browser,
// with the assistant's chat beside the list (a drawer on narrow screens).
import { collectPages, type Task } from '@todo/api-client';
import { createApiClient } from '@todo/api-client/server';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { Header } from '../components/Header';
import { Workspace } from '../components/Workspace';
import { apiFetch } from '../lib/server/api-transport';
import { currentUser } from '../lib/server/auth';
import { getConfig } from '../lib/server/config.mjs';
import { apiTokenFor } from '../lib/server/token';

export const dynamic = 'force-dynamic';

async function loadTasks(userId: string): Promise<{ tasks: Task[] | null; error: string | null }> {
  const config = getConfig();
  const api = createApiClient(config.backendUrl, apiTokenFor(userId, config.jwtSecret, config.tokenTtlSeconds), apiFetch);
  try {
    const tasks = await collectPages(async (offset, limit) => {
      const { data, response } = await api.GET('/api/{user_id}/tasks', {
        params: { path: { user_id: userId }, query: { limit, offset } },
        signal: AbortSignal.timeout(5000),
      });
      if (!data) throw new Error(`The task service answered ${response.status}.`);
      return data;
    });
    return { tasks, error: null };
  } catch (error) {
    const answered = error instanceof Error && error.message.startsWith('The task service answered');
    return { tasks: null, error: answered ? (error as Error).message : 'The task service is not answering.' };
  }
}

export default async function TasksPage() {
  const user = await currentUser(await headers());
  if (!user) redirect('/sign-in');
  const { tasks, error } = await loadTasks(user.id);
  return (
    <>
      <Header email={user.email} />
      <main className="layout">
        <Workspace userId={user.id} initialTasks={tasks} initialError={error} />
      </main>
    </>
  );
}
