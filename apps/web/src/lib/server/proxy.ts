// The browser's only way to the API: /api/tasks[/<id>[/complete]] on the web origin.
// The session decides the user; the API's address and the token stay on the server.
import { forwardToApi } from '@todo/api-client/server';
import { currentUser } from './auth';
import { getConfig } from './config.mjs';
import { mintApiToken } from './token';

const MAX_BODY_BYTES = 64 * 1024;
const UPSTREAM_TIMEOUT_MS = 10_000;
const METHODS_BY_SHAPE: Record<string, string[]> = {
  collection: ['GET', 'POST'],
  item: ['GET', 'PUT', 'DELETE'],
  complete: ['PATCH'],
};

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

/** Which API path a proxy path maps to, or null for anything else. */
export function apiSubpath(segments: string[]): { subpath: string; shape: keyof typeof METHODS_BY_SHAPE } | null {
  if (segments.length === 0) return { subpath: '', shape: 'collection' };
  const [id, action, ...rest] = segments;
  if (!id || !/^[1-9][0-9]{0,9}$/.test(id) || rest.length) return null;
  if (action === undefined) return { subpath: `/${id}`, shape: 'item' };
  if (action === 'complete') return { subpath: `/${id}/complete`, shape: 'complete' };
  return null;
}

export async function proxyTasks(request: Request, segments: string[], fetchImpl: typeof fetch = fetch): Promise<Response> {
  const target = apiSubpath(segments);
  if (!target) return json(404, 'Not Found');
  const allowed = METHODS_BY_SHAPE[target.shape] ?? [];
  if (!allowed.includes(request.method)) return json(405, 'Method Not Allowed', { Allow: allowed.join(', ') });
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
        token: mintApiToken(user.id, config.jwtSecret, config.tokenTtlSeconds),
        userId: user.id,
        subpath: target.subpath,
        method: request.method,
        search: new URL(request.url).search,
        body: body || undefined,
        contentType: body ? contentType : null,
        requestId: request.headers.get('x-request-id'),
        signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS),
      },
      fetchImpl,
    );
  } catch (error) {
    console.error(JSON.stringify({ level: 'error', msg: 'api unreachable', error: String(error) }));
    return json(502, 'the task service is unavailable; retry in a moment', { 'Retry-After': '2' });
  }
  // The session was valid, so an API that refuses our token means web and API disagree on
  // JWT_SECRET: an operator's problem, not the user's. Signing in again would not help.
  if (response.status === 401 || response.status === 403) {
    console.error(JSON.stringify({ level: 'error', msg: 'api refused the web server token', status: response.status }));
    return json(502, 'the task service refused this server; check that web and api share JWT_SECRET');
  }
  response.headers.set('Cache-Control', 'private, no-store');
  return response;
}
