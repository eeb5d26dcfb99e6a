/** @jest-environment node */
// Session cookies are Secure (and __Secure- prefixed) exactly when the public origin is HTTPS.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { betterAuth } from 'better-auth';
import { authOptions, migrateAuth } from './auth-core.mjs';
import { loadConfig, PEER_ADDRESS_HEADER } from './config.mjs';

let dir: string;
beforeEach(() => void (dir = mkdtempSync(path.join(tmpdir(), 'cookies-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function sessionCookie(origin: string): Promise<string> {
  const config = loadConfig({ APP_ENV: 'test', BETTER_AUTH_URL: origin, AUTH_SQLITE_PATH: path.join(dir, 'auth.sqlite3') });
  await migrateAuth(config);
  const db = new Database(config.sqlitePath);
  try {
    const auth = betterAuth(authOptions(config, db) as Parameters<typeof betterAuth>[0]);
    const answer = await auth.handler(
      new Request(`${origin}/api/auth/sign-up/email`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin, [PEER_ADDRESS_HEADER]: '192.0.2.20' },
        body: JSON.stringify({ email: 'c@example.com', password: 'correct-horse-6', name: 'C' }),
      }),
    );
    expect(answer.status).toBe(200);
    return answer.headers.getSetCookie().find((c) => c.includes('session_token')) ?? '';
  } finally {
    db.close();
  }
}

it('marks the session cookie Secure behind an HTTPS public URL', async () => {
  const cookie = await sessionCookie('https://todo.example.com');
  expect(cookie).toMatch(/^__Secure-/);
  expect(cookie).toMatch(/; Secure/i);
  expect(cookie).toMatch(/HttpOnly/i);
});

it('keeps a plain cookie on a local http:// origin, where a Secure one would be dropped', async () => {
  const cookie = await sessionCookie('http://localhost:3000');
  expect(cookie).not.toMatch(/; Secure/i);
  expect(cookie).toMatch(/HttpOnly/i);
});
