/** @jest-environment node */
// The session cookie cache: a signed copy of the session stands in for the database lookup
// for SESSION_COOKIE_CACHE_SECONDS, and only that long; a forged copy, a copy for another
// session, or a signed-out browser gets nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { betterAuth } from 'better-auth';
import { authOptions, migrateAuth, SESSION_COOKIE_CACHE_SECONDS } from './auth-core.mjs';
import { loadConfig, PEER_ADDRESS_HEADER } from './config.mjs';

const origin = 'http://localhost:3000';
let dir: string;
let db: Database.Database;
let auth: ReturnType<typeof betterAuth>;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'session-cache-'));
  const config = loadConfig({ APP_ENV: 'test', BETTER_AUTH_URL: origin, AUTH_SQLITE_PATH: path.join(dir, 'auth.sqlite3') });
  await migrateAuth(config);
  db = new Database(config.sqlitePath);
  auth = betterAuth(authOptions(config, db) as Parameters<typeof betterAuth>[0]);
});
afterEach(() => {
  jest.useRealTimers();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The cookies a set of Set-Cookie lines leave in a browser, as a Cookie header. */
function jar(setCookies: string[], before = ''): string {
  const cookies = new Map(before.split('; ').filter(Boolean).map((c) => c.split(/=(.*)/s).slice(0, 2) as [string, string]));
  for (const line of setCookies) {
    const [pair] = line.split(';');
    const [name, value] = pair!.split(/=(.*)/s) as [string, string];
    if (!value || /max-age=0/i.test(line)) cookies.delete(name);
    else cookies.set(name, value);
  }
  return [...cookies].map(([n, v]) => `${n}=${v}`).join('; ');
}

async function call(pathname: string, cookie = '', body?: object): Promise<Response> {
  const headers: Record<string, string> = { origin, [PEER_ADDRESS_HEADER]: '192.0.2.30', cookie };
  if (body) headers['content-type'] = 'application/json';
  return auth.handler(new Request(`${origin}/api/auth${pathname}`, { method: body ? 'POST' : 'GET', headers, body: body && JSON.stringify(body) }));
}

const signedUp = async () => jar((await call('/sign-up/email', '', { email: 'k@example.com', password: 'correct-horse-6', name: 'K' })).headers.getSetCookie());
const sessionOf = async (cookie: string) => auth.api.getSession({ headers: new Headers({ cookie }) });
const deleteSessions = () => db.prepare('DELETE FROM session').run();

it('is on, compact and HMAC-signed, for one minute', () => {
  const config = loadConfig({ APP_ENV: 'test' });
  expect(authOptions(config, db).session.cookieCache).toEqual({ enabled: true, maxAge: 60, strategy: 'compact' });
  expect(SESSION_COOKIE_CACHE_SECONDS).toBe(60);
});

it('answers from the signed copy, without the database, until it expires', async () => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  const cookie = await signedUp();
  expect(cookie).toMatch(/better-auth\.session_data=/);
  deleteSessions(); // revoked on the server
  expect((await sessionOf(cookie))?.user.email).toBe('k@example.com'); // within the minute
  jest.advanceTimersByTime((SESSION_COOKIE_CACHE_SECONDS + 1) * 1000);
  expect(await sessionOf(cookie)).toBeNull(); // the copy is stale: the database says no
});

it('refuses a copy whose signature does not match', async () => {
  const cookie = await signedUp();
  deleteSessions();
  const tampered = cookie.replace(/(better-auth\.session_data=)([^;]+)/, (_, name: string, value: string) => {
    const decoded = JSON.parse(Buffer.from(decodeURIComponent(value), 'base64url').toString('utf8'));
    decoded.session.user.email = 'someone-else@example.com';
    return name + Buffer.from(JSON.stringify(decoded)).toString('base64url');
  });
  expect(await sessionOf(tampered)).toBeNull();
});

it('refuses a copy that belongs to another session token', async () => {
  const first = await signedUp();
  const other = jar((await call('/sign-in/email', '', { email: 'k@example.com', password: 'correct-horse-6' })).headers.getSetCookie());
  const token = /better-auth\.session_token=[^;]+/.exec(other)![0];
  const mixed = first.replace(/better-auth\.session_token=[^;]+/, token);
  db.prepare('DELETE FROM session WHERE token = ?').run(decodeURIComponent(token.split('=')[1]!).split('.')[0]);
  expect(await sessionOf(mixed)).toBeNull();
});

it('signing out clears both cookies and the session', async () => {
  const cookie = await signedUp();
  const out = await call('/sign-out', cookie, {});
  expect(out.status).toBe(200);
  const after = jar(out.headers.getSetCookie(), cookie);
  expect(after).not.toMatch(/session_data|session_token/);
  expect(await sessionOf(after)).toBeNull();
  expect(db.prepare('SELECT count(*) AS n FROM session').get()).toEqual({ n: 0 });
});
