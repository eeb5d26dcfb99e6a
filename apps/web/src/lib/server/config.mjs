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
 * @property {string} authUrl the public origin (BETTER_AUTH_URL; in development http://localhost:PORT)
 * @property {string[]} trustedOrigins every origin allowed to sign in and to change tasks
 * @property {number} tokenTtlSeconds lifetime of the tokens sent to the API
 * @property {boolean} authRateLimit the per-address and per-account sign-in limits (AUTH_RATE_LIMIT)
 * @property {string | undefined} trustedProxyHeader TRUSTED_PROXY_HEADER: a proxy in front is declared
 * @property {number} metricsPort where GET /metrics is served (METRICS_PORT, default 9465; 0: nowhere)
 * @property {string} clientAddressHeader the request header the client's address is read from:
 *   TRUSTED_PROXY_HEADER when set, else the connection's own address (PEER_ADDRESS_HEADER)
 */

/**
 * Set on every request from the TCP connection's peer address (instrumentation-node.ts), any
 * value the client sent replaced: what the limits key on when no trusted proxy is declared.
 */
export const PEER_ADDRESS_HEADER = 'x-todo-peer-address';

/**
 * Every variable loadConfig reads, and whether production refuses to start without it
 * (JWT_SECRET may fall back to BETTER_AUTH_SECRET, BACKEND_URL to NEXT_PUBLIC_BACKEND_URL).
 * Published in apps/web/runtime.json for the Helm chart; a test keeps it equal to the reads.
 * @type {readonly { name: string, requiredInProduction: boolean }[]}
 */
export const ENV_VARS = [
  { name: 'APP_ENV', requiredInProduction: false },
  { name: 'NODE_ENV', requiredInProduction: false },
  { name: 'BACKEND_URL', requiredInProduction: true },
  { name: 'NEXT_PUBLIC_BACKEND_URL', requiredInProduction: false },
  { name: 'JWT_SECRET', requiredInProduction: false },
  { name: 'BETTER_AUTH_SECRET', requiredInProduction: true },
  { name: 'BETTER_AUTH_URL', requiredInProduction: true },
  { name: 'AUTH_TRUSTED_ORIGINS', requiredInProduction: false },
  { name: 'PORT', requiredInProduction: false },
  { name: 'API_TOKEN_TTL_SECONDS', requiredInProduction: false },
  { name: 'DATABASE_URL', requiredInProduction: false },
  { name: 'AUTH_SQLITE_PATH', requiredInProduction: false },
  { name: 'AUTH_RATE_LIMIT', requiredInProduction: false },
  { name: 'TRUSTED_PROXY_HEADER', requiredInProduction: false },
  { name: 'METRICS_PORT', requiredInProduction: false },
];

/** The metrics port unless METRICS_PORT says otherwise (the API's default is 9464). */
export const DEFAULT_METRICS_PORT = 9465;

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

  const authUrl = present(env.BETTER_AUTH_URL);
  if (authUrl && !/^https?:\/\/[^/\s]+\/?$/.test(authUrl)) problems.push('BETTER_AUTH_URL must be an origin such as https://todo.example.com');
  // Better Auth accepts sign-ins only from known origins, so production must name its own.
  if (!authUrl && production) problems.push('BETTER_AUTH_URL (the public origin, e.g. https://todo.example.com) is required in production');

  /** @type {string[]} */
  let origins = [];
  try {
    origins = trustedOrigins(authUrl, present(env.AUTH_TRUSTED_ORIGINS), present(env.PORT), production);
  } catch {
    problems.push('AUTH_TRUSTED_ORIGINS must be comma-separated origins such as http://localhost:8080');
  }

  const ttl = Number(present(env.API_TOKEN_TTL_SECONDS) ?? 300);
  if (!Number.isInteger(ttl) || ttl < 10 || ttl > 300) problems.push('API_TOKEN_TTL_SECONDS must be a whole number from 10 to 300');

  // The header an ingress controller overwrites with the client's address (ingress-nginx:
  // x-real-ip). Never trusted by default: any client can send X-Forwarded-For.
  const trustedProxyHeader = present(env.TRUSTED_PROXY_HEADER)?.toLowerCase();
  if (trustedProxyHeader && !/^[a-z0-9][a-z0-9-]*$/.test(trustedProxyHeader)) {
    problems.push('TRUSTED_PROXY_HEADER must be one header name, such as x-real-ip');
  }

  const metricsPort = Number(present(env.METRICS_PORT) ?? DEFAULT_METRICS_PORT);
  if (!Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65535) {
    problems.push('METRICS_PORT must be a port number (0 turns the metrics off)');
  }

  if (problems.length) throw new ConfigError(problems);
  return {
    env: /** @type {WebConfig['env']} */ (appEnv),
    backendUrl: (backendUrl ?? 'http://localhost:8000').replace(/\/+$/, ''),
    jwtSecret: jwtSecret ?? DEV_JWT_SECRET,
    authSecret: authSecret ?? DEV_AUTH_SECRET,
    databaseUrl: normaliseDatabaseUrl(present(env.DATABASE_URL)),
    sqlitePath: present(env.AUTH_SQLITE_PATH) ?? '.data/auth.sqlite3', // relative to the working directory
    authUrl: (authUrl ?? `http://localhost:${present(env.PORT) ?? 3000}`).replace(/\/$/, ''),
    trustedOrigins: origins,
    tokenTtlSeconds: ttl,
    // On unless AUTH_RATE_LIMIT=false (a load test from one address, say).
    authRateLimit: present(env.AUTH_RATE_LIMIT)?.toLowerCase() !== 'false',
    trustedProxyHeader,
    metricsPort,
    clientAddressHeader: trustedProxyHeader ?? PEER_ADDRESS_HEADER,
  };
}

/**
 * The public origin, any extra ones (AUTH_TRUSTED_ORIGINS, comma-separated: say a
 * port-forward next to an Ingress host), and outside production both local spellings.
 * @param {string | undefined} authUrl
 * @param {string | undefined} extra
 * @param {string | undefined} port
 * @param {boolean} production
 */
function trustedOrigins(authUrl, extra, port, production) {
  const origins = new Set();
  if (authUrl) origins.add(new URL(authUrl).origin);
  for (const origin of (extra ?? '').split(',').map((o) => o.trim()).filter(Boolean)) origins.add(new URL(origin).origin);
  if (!production) {
    origins.add(`http://localhost:${port ?? 3000}`);
    origins.add(`http://127.0.0.1:${port ?? 3000}`);
  }
  return [...origins];
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
