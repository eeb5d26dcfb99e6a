// The Better Auth instance of this server process, created on first use (so `next build`
// needs no secret and opens no database).
import { betterAuth } from 'better-auth';
import { nextCookies } from 'better-auth/next-js';
import { authOptions, openAuthDatabase, pingAuthDatabase } from './auth-core.mjs';
import { getConfig } from './config.mjs';

type Auth = ReturnType<typeof createAuth>;
let database: Promise<unknown> | undefined;
let instance: Promise<Auth> | undefined;

function getDatabase(): Promise<unknown> {
  database ??= openAuthDatabase(getConfig());
  return database;
}

function createAuth(database: unknown) {
  // nextCookies() lets server actions and route handlers set the session cookie; it goes last.
  return betterAuth(authOptions(getConfig(), database, [nextCookies()]) as Parameters<typeof betterAuth>[0]);
}

export function getAuth(): Promise<Auth> {
  instance ??= getDatabase().then(createAuth);
  return instance;
}

/** Readiness of this process: its database answers and has Better Auth's tables. */
export async function checkAuthDatabase(): Promise<void> {
  await pingAuthDatabase(await getDatabase());
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
}

/** The signed-in user for these request headers, or null (no, forged or expired session). */
export async function currentUser(headers: Headers): Promise<SessionUser | null> {
  const auth = await getAuth();
  const session = await auth.api.getSession({ headers });
  if (!session) return null;
  return { id: session.user.id, email: session.user.email, name: session.user.name };
}
