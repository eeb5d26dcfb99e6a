// Server-side access to the API: a typed client for a given user's token, and the
// forwarder the web's proxy route uses. Never import this from browser code.
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './generated/openapi';

export type ApiClient = Client<paths>;

export function createApiClient(baseUrl: string, token: string, fetchImpl: typeof fetch = fetch): ApiClient {
  return createClient<paths>({
    baseUrl: baseUrl.replace(/\/+$/, ''),
    headers: { Authorization: `Bearer ${token}` },
    fetch: fetchImpl,
  });
}

export interface ForwardRequest {
  backendUrl: string;
  token: string;
  userId: string;
  /** The API path below /api/{userId}, e.g. "/tasks/12/complete" or "/chat". */
  apiPath: string;
  method: string;
  search: string;
  body?: string;
  contentType?: string | null;
  requestId?: string | null;
  signal?: AbortSignal;
}

// Only these come back from the API: its cookies or other headers never reach the browser.
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'x-request-id', 'retry-after'];

/**
 * Sends one request to /api/{userId}{apiPath} and returns the API's answer as a Response for
 * the browser, with a Link header rewritten from the API's user path to the proxy's own
 * (`/api/...` on the web origin).
 */
export async function forwardToApi(req: ForwardRequest, fetchImpl: typeof fetch = fetch): Promise<Response> {
  const base = req.backendUrl.replace(/\/+$/, '');
  const userPrefix = `/api/${encodeURIComponent(req.userId)}`;
  const headers: Record<string, string> = { Authorization: `Bearer ${req.token}`, Accept: 'application/json' };
  if (req.contentType) headers['Content-Type'] = req.contentType;
  if (req.requestId) headers['X-Request-ID'] = req.requestId;
  const upstream = await fetchImpl(`${base}${userPrefix}${req.apiPath}${req.search}`, {
    method: req.method,
    headers,
    body: req.body,
    signal: req.signal,
    cache: 'no-store',
    redirect: 'manual',
  });
  const out = new Headers({ 'Cache-Control': 'private, no-store' });
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    const value = upstream.headers.get(name);
    if (value) out.set(name, value);
  }
  const link = upstream.headers.get('link');
  if (link) out.set('link', link.replaceAll(`<${userPrefix}/`, '</api/'));
  const payload = upstream.status === 204 ? null : await upstream.arrayBuffer();
  return new Response(payload, { status: upstream.status, headers: out });
}
