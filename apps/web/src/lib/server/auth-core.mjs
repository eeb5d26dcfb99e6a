// Better Auth's options for this app, in one place for the server and the migrate script.
import { betterAuth } from 'better-auth';

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
    },
    rateLimit: { enabled: config.authRateLimit },
    telemetry: { enabled: false },
    plugins,
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
