// Better Auth's options for this app, in one place for the server and the migrate script.
import { betterAuth } from 'better-auth';
import { accountThrottle } from './account-throttle.mjs';
import { PEER_ADDRESS_HEADER } from './config.mjs';

/**
 * Per client address (what `clientAddressHeader` names, see config.mjs), counted in the
 * database like the per-account limit: sign-ups and sign-ins per minute, everything else
 * under /api/auth at Better Auth's default of 100 per 10 seconds.
 */
export const ADDRESS_LIMITS = {
  '/sign-in/*': { window: 60, max: 30 },
  '/sign-up/*': { window: 60, max: 10 },
};

/**
 * How long a signed copy of the session in a cookie stands in for the database lookup, in
 * seconds: also the longest a session revoked on the server (deleted, or expired early by an
 * operator) keeps working in a browser that still holds the copy. Every call still checks the
 * session: the copy's HMAC signature (BETTER_AUTH_SECRET), that it belongs to this session
 * cookie, and the session's own expiry; signing out clears both cookies at once. One minute:
 * the lookup is then paid about once a minute per browser instead of on every call, and a
 * revocation takes effect within the time a user takes to notice it.
 */
export const SESSION_COOKIE_CACHE_SECONDS = 60;

/**
 * The database Better Auth keeps its users and sessions in: PostgreSQL from DATABASE_URL,
 * else an embedded SQLite file.
 * @param {import('./config.mjs').WebConfig} config
 */
export async function openAuthDatabase(config) {
  if (config.databaseUrl) {
    const { Pool } = (await import('pg')).default;
    return new Pool({ connectionString: config.databaseUrl, max: 5 });
  }
  const { mkdirSync } = await import('node:fs');
  const { dirname } = await import('node:path');
  const Database = (await import('better-sqlite3')).default;
  mkdirSync(dirname(config.sqlitePath), { recursive: true });
  const db = new Database(config.sqlitePath);
  db.pragma('journal_mode = WAL');
  return db;
}

/**
 * Readiness: Better Auth's `user` table answers, so the database is up and migrated.
 * Throws (with the driver's message) otherwise, or after `timeoutMs`.
 * @param {any} database a pg Pool or a better-sqlite3 Database, from openAuthDatabase
 * @param {number} timeoutMs
 */
export async function pingAuthDatabase(database, timeoutMs = 3000) {
  const sql = 'SELECT 1 FROM "user" LIMIT 1';
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const query = 'query' in database ? database.query(sql) : Promise.resolve().then(() => database.prepare(sql).get());
    await Promise.race([query, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The account limit's table alone, for a server that runs with the limits off. */
function accountThrottleSchemaOnly() {
  const { id, schema } = accountThrottle();
  return { id, schema };
}

/**
 * @param {import('./config.mjs').WebConfig} config
 * @param {any} database
 * @param {any[]} plugins
 */
export function authOptions(config, database, plugins = []) {
  return {
    secret: config.authSecret,
    baseURL: config.authUrl,
    trustedOrigins: config.trustedOrigins,
    database,
    emailAndPassword: { enabled: true, minPasswordLength: 8, maxPasswordLength: 128, autoSignIn: true },
    session: {
      expiresIn: 60 * 60 * 24 * 7, // a week
      updateAge: 60 * 60 * 24, // refreshed at most daily while in use
      // 'compact': base64 JSON + HMAC, the cheapest to check (a JWE would also hide the user's
      // own name and email from the user, whose cookie it is).
      cookieCache: { enabled: true, maxAge: SESSION_COOKIE_CACHE_SECONDS, strategy: /** @type {const} */ ('compact') },
    },
    rateLimit: { enabled: config.authRateLimit, storage: /** @type {const} */ ('database'), customRules: ADDRESS_LIMITS },
    advanced: {
      // The declared proxy's header first; a request without it (one that did not come through
      // that proxy: a port-forward, say) is keyed on its connection, not on one shared count.
      ipAddress: { ipAddressHeaders: [...new Set([config.clientAddressHeader, PEER_ADDRESS_HEADER])] },
      // Secure cookies exactly when the public origin is HTTPS (a local http:// origin keeps working).
      useSecureCookies: config.authUrl.startsWith('https://'),
    },
    telemetry: { enabled: false },
    // The account limit's table is created even when AUTH_RATE_LIMIT=false, so turning the
    // limits back on needs no migration.
    plugins: config.authRateLimit ? [accountThrottle(), ...plugins] : [accountThrottleSchemaOnly(), ...plugins],
  };
}

/**
 * Creates Better Auth's tables when missing (safe to run again).
 * @param {import('./config.mjs').WebConfig} config
 */
export async function migrateAuth(config) {
  const { getMigrations } = await import('better-auth/db/migration');
  const database = await openAuthDatabase(config);
  try {
    const auth = betterAuth(authOptions(config, database));
    const { runMigrations, toBeCreated, toBeAdded } = await getMigrations(auth.options);
    await runMigrations();
    return { created: toBeCreated.map((t) => t.table), altered: toBeAdded.map((t) => t.table) };
  } finally {
    await ('end' in database ? database.end() : database.close());
  }
}
