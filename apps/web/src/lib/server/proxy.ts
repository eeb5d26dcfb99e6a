// The browser's only way to the API: a fixed table of paths on the web origin (/api/tasks…,
// /api/chat, /api/conversations…), each mapped to the same path under the session user's
// /api/{user_id} on the API. The session decides the user; the API's address and the token
// stay on the server.
import { forwardToApi } from '@todo/api-client/server';
import { apiFetch } from './api-transport';
import { currentUser } from './auth';
import { getConfig } from './config.mjs';
import { webMetrics } from './metrics';
import { apiTokenFor } from './token';

const MAX_BODY_BYTES = 64 * 1024;
const UPSTREAM_TIMEOUT_MS = 10_000;
// A chat turn runs the assistant (possibly a language model) and its tools. Keep
// this above the API's own LLM_TIMEOUT_SECONDS (capped at 50 s), so a slow model ends in the
// API's fallback reply rather than here: a 504 from us does not stop the API, which has
// already stored the user's message and may still finish the turn (the chat panel reads the
// conversation again before it offers to send anything twice).
export const CHAT_TIMEOUT_MS = 60_000;
/** The most the API lets a language model take (its LLM_TIMEOUT_SECONDS cap), in ms. */
export const API_LLM_TIMEOUT_MAX_MS = 50_000;

const ID = /^[1-9][0-9]{0,9}$/;

interface ProxyRoute {
  /** Path segments below /api on both sides; ':id' is a positive integer id. */
  pattern: string;
  methods: string[];
  timeoutMs?: number;
  /** How the user reads about an outage ("the task service is unavailable"). */
  service?: string;
}

/** Everything the browser may reach. Anything else is a 404 that never reaches the API. */
export const ROUTES: readonly ProxyRoute[] = [
  { pattern: 'tasks', methods: ['GET', 'POST'] },
  { pattern: 'tasks/:id', methods: ['GET', 'PUT', 'DELETE'] },
  { pattern: 'tasks/:id/complete', methods: ['PATCH'] },
  { pattern: 'chat', methods: ['POST'], timeoutMs: CHAT_TIMEOUT_MS, service: 'the assistant' },
  { pattern: 'conversations', methods: ['GET'], service: 'the assistant' },
  { pattern: 'conversations/:id', methods: ['DELETE'], service: 'the assistant' },
  { pattern: 'conversations/:id/messages', methods: ['GET'], service: 'the assistant' },
];

export interface ResolvedRoute {
  /** The table's pattern ("tasks/:id"): the metrics' route label, never an id. */
  pattern: string;
  /** The API path below /api/{user_id}, e.g. "/tasks/12/complete". */
  apiPath: string;
  methods: string[];
  timeoutMs: number;
  service: string;
}

/** Which API path the proxy path segments (below /api) map to, or null for anything else. */
export function resolveRoute(segments: string[]): ResolvedRoute | null {
  for (const route of ROUTES) {
    const parts = route.pattern.split('/');
    if (parts.length !== segments.length) continue;
    const matches = parts.every((part, i) => (part === ':id' ? ID.test(segments[i]!) : part === segments[i]));
    if (!matches) continue;
    return {
      pattern: route.pattern,
      apiPath: `/${segments.join('/')}`,
      methods: route.methods,
      timeoutMs: route.timeoutMs ?? UPSTREAM_TIMEOUT_MS,
      service: route.service ?? 'the task service',
    };
  }
  return null;
}

const NO_STORE = { 'Cache-Control': 'private, no-store' };
const json = (status: number, detail: string, headers: Record<string, string> = {}) =>
  Response.json({ detail }, { status, headers: { ...NO_STORE, ...headers } });

/**
 * Cookies ride along on cross-site requests in some cases (SameSite=Lax allows top-level
 * navigations, and same-site pages share cookies), so a change must come from our own pages:
 * the browser's Sec-Fetch-Site and Origin say where a request comes from. Clients that are
 * not browsers send neither, and cannot hold a user's cookie without being given it.
 */
export function fromForeignSite(request: Request, trustedOrigins: string[]): boolean {
  const site = request.headers.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return true;
  const origin = request.headers.get('origin');
  if (!origin) return false;
  return origin !== new URL(request.url).origin && !trustedOrigins.includes(origin);
}

/** Proxies one browser request; `segments` is its path below /api (["tasks", "12"]). */
export async function proxyToApi(request: Request, segments: string[], fetchImpl: typeof fetch = apiFetch): Promise<Response> {
  const stopTimer = webMetrics().proxy.startTimer({ route: resolveRoute(segments)?.pattern ?? 'unmatched', method: request.method });
  try {
    const response = await proxyOnce(request, segments, fetchImpl);
    stopTimer({ status: String(response.status) });
    return response;
  } catch (error) {
    stopTimer({ status: '500' }); // Next answers a throwing route handler with a 500
    throw error;
  }
}

async function proxyOnce(request: Request, segments: string[], fetchImpl: typeof fetch): Promise<Response> {
  const target = resolveRoute(segments);
  if (!target) return json(404, 'Not Found');
  if (!target.methods.includes(request.method)) return json(405, 'Method Not Allowed', { Allow: target.methods.join(', ') });
  const config = getConfig();
  const changes = request.method !== 'GET';
  if (changes && fromForeignSite(request, config.trustedOrigins)) {
    return json(403, 'changes must come from this site’s own pages');
  }

  const user = await currentUser(request.headers);
  if (!user) return json(401, 'your session has ended; sign in again');

  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_BODY_BYTES) return json(413, `request body is larger than the ${MAX_BODY_BYTES}-byte limit`);
  const body = ['GET', 'DELETE'].includes(request.method) ? undefined : await request.text();
  if (body && Buffer.byteLength(body) > MAX_BODY_BYTES) return json(413, `request body is larger than the ${MAX_BODY_BYTES}-byte limit`);
  const contentType = request.headers.get('content-type');
  if (body && !contentType?.toLowerCase().startsWith('application/json')) {
    return json(415, 'send the body as application/json');
  }

  let response: Response;
  try {
    response = await forwardToApi(
      {
        backendUrl: config.backendUrl,
        token: apiTokenFor(user.id, config.jwtSecret, config.tokenTtlSeconds),
        userId: user.id,
        apiPath: target.apiPath,
        method: request.method,
        search: new URL(request.url).search,
        body: body || undefined,
        contentType: body ? contentType : null,
        requestId: request.headers.get('x-request-id'),
        signal: AbortSignal.timeout(target.timeoutMs),
      },
      fetchImpl,
    );
  } catch (error) {
    const timedOut = (error as { name?: unknown } | null)?.name === 'TimeoutError';
    // fetch's own message is only "fetch failed": the cause (ECONNREFUSED, a reset) is what an operator needs.
    const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
    const why = cause ? `${String(cause.code ?? '')} ${String(cause.message ?? '')}`.trim() : undefined;
    console.error(JSON.stringify({ level: 'error', msg: timedOut ? 'api timed out' : 'api unreachable', path: target.apiPath, error: String(error), cause: why }));
    // A change that timed out may still be carried out: say so rather than invite a repeat.
    if (timedOut && changes) return json(504, `${target.service} took too long to answer; it may still finish, so check before trying again`);
    if (timedOut) return json(504, `${target.service} took too long to answer; retry in a moment`);
    return json(502, `${target.service} is unavailable; retry in a moment`, { 'Retry-After': '2' });
  }
  // The session was valid, so an API that refuses our token means web and API disagree on
  // JWT_SECRET: an operator's problem, not the user's. Signing in again would not help.
  if (response.status === 401 || response.status === 403) {
    console.error(JSON.stringify({ level: 'error', msg: 'api refused the web server token', status: response.status }));
    return json(502, `${target.service} refused this server; check that web and api share JWT_SECRET`);
  }
  // Everything else, 429 and its Retry-After included, goes to the browser as the API said it.
  return response;
}
