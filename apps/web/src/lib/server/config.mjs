// The web server's configuration: the one reader of the environment, read at run time (never
// inlined at build time), shared by the Next.js server and scripts/migrate.mjs.
// Same placeholder as the API's DEV_JWT_SECRET (a test keeps them equal): with no secrets
// set, development web and API still agree. Production refuses it.
export const DEV_JWT_SECRET = 'dev-only-insecure-jwt-secret-do-not-use-in-production';
export const DEV_AUTH_SECRET = 'dev-only-insecure-better-auth-secret-do-not-use-in-production';
export const MIN_SECRET_BYTES = 32;

/**
 * @typedef {object} WebConfig
 * @property {'development' | 'test' | 'production'} env
 * @property {string} backendUrl where the API is, e.g. http://localhost:8000
 * @property {string} jwtSecret HS256 key for the tokens sent to the API
 * @property {string} authSecret Better Auth's secret
 * @property {string | undefined} databaseUrl PostgreSQL URL for Better Auth's tables
 * @property {string} sqlitePath the embedded SQLite file used when databaseUrl is unset
 * @property {string | undefined} authUrl the public origin (BETTER_AUTH_URL)
 * @property {number} tokenTtlSeconds lifetime of the tokens sent to the API
 * @property {boolean} authRateLimit Better Auth's per-IP rate limit on sign-in/sign-up
 */

export class ConfigError extends Error {
  /** @param {string[]} problems */
  constructor(problems) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** @param {string | undefined} value */
const present = (value) => (value && value.trim() ? value.trim() : undefined);

/**
 * @param {Record<string, string | undefined>} env
 * @returns {WebConfig}
 */
export function loadConfig(env = process.env) {
  const appEnv = present(env.APP_ENV) ?? (env.NODE_ENV === 'production' ? 'production' : 'development');
  /** @type {string[]} */
  const problems = [];
  if (!['development', 'test', 'production'].includes(appEnv)) {
    problems.push(`APP_ENV must be development, test or production (got "${appEnv}")`);
  }
  const production = appEnv === 'production';

  const backendUrl = present(env.BACKEND_URL) ?? present(env.NEXT_PUBLIC_BACKEND_URL);
  if (backendUrl && !/^https?:\/\/[^/\s]+/.test(backendUrl)) {
    problems.push('BACKEND_URL must be an http(s) URL such as http://api:8000');
  }
  if (!backendUrl && production) problems.push('BACKEND_URL (or NEXT_PUBLIC_BACKEND_URL) is required in production');

  const jwtSecret = present(env.JWT_SECRET) ?? present(env.BETTER_AUTH_SECRET);
  const jwtSource = present(env.JWT_SECRET) ? 'JWT_SECRET' : 'BETTER_AUTH_SECRET (used because JWT_SECRET is unset)';
  const authSecret = present(env.BETTER_AUTH_SECRET);
  if (production) {
    if (!authSecret) problems.push('BETTER_AUTH_SECRET is required in production');
    else if (Buffer.byteLength(authSecret) < MIN_SECRET_BYTES) problems.push(`BETTER_AUTH_SECRET must be at least ${MIN_SECRET_BYTES} bytes`);
    if (!present(env.JWT_SECRET) && !authSecret) problems.push('JWT_SECRET is required in production');
    else if (jwtSecret && Buffer.byteLength(jwtSecret) < MIN_SECRET_BYTES) problems.push(`${jwtSource} must be at least ${MIN_SECRET_BYTES} bytes`);
    if (jwtSecret === DEV_JWT_SECRET || authSecret === DEV_AUTH_SECRET) problems.push('a development placeholder secret is set; use real secrets');
  }

  const ttl = Number(present(env.API_TOKEN_TTL_SECONDS) ?? 300);
  if (!Number.isInteger(ttl) || ttl < 10 || ttl > 300) problems.push('API_TOKEN_TTL_SECONDS must be a whole number from 10 to 300');

  if (problems.length) throw new ConfigError(problems);
  return {
    env: /** @type {WebConfig['env']} */ (appEnv),
    backendUrl: (backendUrl ?? 'http://localhost:8000').replace(/\/+$/, ''),
    jwtSecret: jwtSecret ?? DEV_JWT_SECRET,
    authSecret: authSecret ?? DEV_AUTH_SECRET,
    databaseUrl: normaliseDatabaseUrl(present(env.DATABASE_URL)),
    sqlitePath: present(env.AUTH_SQLITE_PATH) ?? '.data/auth.sqlite3', // relative to the working directory
    // Production derives the origin from each request unless told; development knows it.
    authUrl: present(env.BETTER_AUTH_URL) ?? (production ? undefined : `http://localhost:${present(env.PORT) ?? 3000}`),
    tokenTtlSeconds: ttl,
    // On unless AUTH_RATE_LIMIT=false (browser tests sign up many users from one address).
    authRateLimit: present(env.AUTH_RATE_LIMIT)?.toLowerCase() !== 'false',
  };
}

/**
 * node-postgres speaks libpq URLs: drop a SQLAlchemy driver suffix (postgresql+psycopg://)
 * and asyncpg's ssl= spelling so one DATABASE_URL serves api and web.
 * @param {string | undefined} raw
 */
export function normaliseDatabaseUrl(raw) {
  if (!raw) return undefined;
  let url = raw.replace(/^postgres(ql)?(\+[a-z0-9]+)?:\/\//i, 'postgresql://');
  if (!url.startsWith('postgresql://')) {
    throw new ConfigError(['DATABASE_URL must be a PostgreSQL URL (postgresql://user:pass@host/db)']);
  }
  url = url.replace(/([?&])ssl=(true|1)(?=&|$)/, '$1sslmode=require').replace(/([?&])ssl=(false|0)(?=&|$)/, '$1sslmode=disable');
  return url;
}

/** @type {WebConfig | undefined} */
let cached;
/** The configuration of this process, read once. */
export function getConfig() {
  cached ??= loadConfig();
  return cached;
}
