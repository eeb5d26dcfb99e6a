/** @jest-environment node */
// The sign-in limits through Better Auth's real handler on a real SQLite file: the per-account
// count ignores forged X-Forwarded-For, two auth instances (two replicas) share it, and the
// owner gets in again once the window is over.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { betterAuth } from 'better-auth';
import { ACCOUNT_LIMIT, accountThrottle } from './account-throttle.mjs';
import { authOptions, migrateAuth } from './auth-core.mjs';
import { loadConfig, PEER_ADDRESS_HEADER } from './config.mjs';

const origin = 'http://localhost:3000';
let dir: string;
let clock = Date.now();
const now = () => clock;

function config(extra: Record<string, string> = {}) {
  return loadConfig({ APP_ENV: 'test', AUTH_SQLITE_PATH: path.join(dir, 'auth.sqlite3'), ...extra });
}

/** One "web process": its own Better Auth instance and database handle on the shared file. */
function replica(extra: Record<string, string> = {}) {
  const cfg = config(extra);
  const db = new Database(cfg.sqlitePath);
  const options = authOptions(cfg, db) as { plugins: unknown[] };
  // The real plugin, with a clock the test can move.
  options.plugins = [accountThrottle({ ...ACCOUNT_LIMIT, now })];
  Object.assign(options, { logger: { disabled: true } }); // every wrong password would warn
  const auth = betterAuth(options as Parameters<typeof betterAuth>[0]);
  const post = (route: string, body: object, headers: Record<string, string> = {}) =>
    auth.handler(
      new Request(`${origin}/api/auth${route}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin, [PEER_ADDRESS_HEADER]: '192.0.2.10', ...headers },
        body: JSON.stringify(body),
      }),
    );
  return { post, close: () => db.close() };
}

const forged = (i: number) => ({ 'x-forwarded-for': `198.18.${Math.floor(i / 250)}.${(i % 250) + 1}` });

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'throttle-'));
  clock = Date.now();
  await migrateAuth(config());
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

// Every sign-in hashes a password (scrypt): on a busy 2-core machine 100 of them take a while.
jest.setTimeout(120_000);

describe('the per-account sign-in limit', () => {
  it('stops 100 guesses with a new forged X-Forwarded-For each at the limit, with Retry-After', async () => {
    const web = replica();
    const email = 'owner@example.com';
    expect((await web.post('/sign-up/email', { email, password: 'correct-horse-1', name: 'Owner' })).status).toBe(200);
    const answers: Response[] = [];
    for (let i = 0; i < 100; i++) answers.push(await web.post('/sign-in/email', { email, password: `guess-${i}-wrong` }, forged(i)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(ACCOUNT_LIMIT.maxFailures);
    expect(statuses.slice(ACCOUNT_LIMIT.maxFailures).every((s) => s === 429)).toBe(true);
    // The first refusal is the account's (the address limit, 30 a minute, comes later).
    const refused = answers[ACCOUNT_LIMIT.maxFailures]!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(ACCOUNT_LIMIT.windowSeconds - 60);
    expect(await refused.json()).toMatchObject({ code: 'ACCOUNT_THROTTLED' });
    // Even the right password waits for the window: a guess that hit it must not be told so.
    expect((await web.post('/sign-in/email', { email, password: 'correct-horse-1' })).status).toBe(429);
    web.close();
  });

  it('lets no more than the limit of simultaneous guesses reach the password check', async () => {
    const web = replica();
    const email = 'rushed@example.com';
    await web.post('/sign-up/email', { email, password: 'correct-horse-7', name: 'Rushed' });
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => web.post('/sign-in/email', { email, password: 'wrong-password' }, { ...forged(i), [PEER_ADDRESS_HEADER]: `192.0.2.${i + 1}` })),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(ACCOUNT_LIMIT.maxFailures);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30 - ACCOUNT_LIMIT.maxFailures);
    web.close();
  });

  it('gives back an attempt that was no guess (a malformed body)', async () => {
    const web = replica();
    const email = 'typo@example.com';
    await web.post('/sign-up/email', { email, password: 'correct-horse-8', name: 'Typo' });
    for (let i = 0; i < ACCOUNT_LIMIT.maxFailures + 5; i++) {
      expect((await web.post('/sign-in/email', { email, password: 42 })).status).toBe(400);
    }
    expect((await web.post('/sign-in/email', { email, password: 'correct-horse-8' })).status).toBe(200);
    web.close();
  });

  it('is one count for two replicas on one database', async () => {
    const [a, b] = [replica(), replica()];
    const email = 'shared@example.com';
    await a.post('/sign-up/email', { email, password: 'correct-horse-2', name: 'Shared' });
    for (let i = 0; i < ACCOUNT_LIMIT.maxFailures; i++) {
      const web = i % 2 ? a : b;
      expect((await web.post('/sign-in/email', { email, password: 'wrong-password' }, forged(i))).status).toBe(401);
    }
    expect((await a.post('/sign-in/email', { email, password: 'wrong-password' })).status).toBe(429);
    expect((await b.post('/sign-in/email', { email, password: 'wrong-password' })).status).toBe(429);
    a.close();
    b.close();
  });

  it('lets the owner in after the window, and a success clears the count', async () => {
    const web = replica();
    const email = 'patient@example.com';
    await web.post('/sign-up/email', { email, password: 'correct-horse-3', name: 'Patient' });
    for (let i = 0; i < ACCOUNT_LIMIT.maxFailures; i++) await web.post('/sign-in/email', { email, password: 'wrong-password' }, forged(i));
    expect((await web.post('/sign-in/email', { email, password: 'correct-horse-3' })).status).toBe(429);
    clock += ACCOUNT_LIMIT.windowSeconds * 1000;
    expect((await web.post('/sign-in/email', { email, password: 'correct-horse-3' })).status).toBe(200);
    // Cleared: another run of failures starts from zero.
    for (let i = 0; i < ACCOUNT_LIMIT.maxFailures - 1; i++) await web.post('/sign-in/email', { email, password: 'wrong-password' });
    expect((await web.post('/sign-in/email', { email, password: 'correct-horse-3' })).status).toBe(200);
    web.close();
  });

  it('counts guessed emails of people who never signed up the same way', async () => {
    const web = replica();
    for (let i = 0; i < ACCOUNT_LIMIT.maxFailures; i++) {
      expect((await web.post('/sign-in/email', { email: 'nobody@example.com', password: 'whatever1' }, forged(i))).status).toBe(401);
    }
    expect((await web.post('/sign-in/email', { email: 'NOBODY@example.com', password: 'whatever1' })).status).toBe(429);
    web.close();
  });
});

describe('the per-address limit', () => {
  it('keys on the connection address, not a forged X-Forwarded-For', async () => {
    const web = replica();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await web.post('/sign-up/email', { email: `u${i}@example.com`, password: 'correct-horse-4', name: 'U' }, forged(i));
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    web.close();
  });

  it('keys on TRUSTED_PROXY_HEADER when the operator declares one', async () => {
    const web = replica({ TRUSTED_PROXY_HEADER: 'X-Real-IP' });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await web.post('/sign-up/email', { email: `p${i}@example.com`, password: 'correct-horse-5', name: 'P' }, { 'x-real-ip': `203.0.113.${i + 1}` });
      statuses.push(res.status);
    }
    expect(statuses.every((s) => s === 200)).toBe(true);
    web.close();
  });
});
