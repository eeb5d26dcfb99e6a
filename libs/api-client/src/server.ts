// Server-side access to the API: a typed client for a given user's token, and the
// forwarder the web's proxy route uses. Never import this from browser code.
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './generated/openapi';
import { PROXY_PREFIX } from './browser';

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
  /** Path below the user's tasks, e.g. "" or "/12" or "/12/complete". */
  subpath: string;
  method: string;
  search: string;
  body?: string;
  contentType?: string | null;
  requestId?: string | null;
  signal?: AbortSignal;
}

// Only these reach the API: what the browser sends must not choose the user or the auth.
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'x-request-id', 'retry-after'];

/**
 * Sends one request to /api/{userId}/tasks{subpath} and returns the API's answer as a
 * Response for the browser. A Link header is rewritten to the proxy's own path.
 */
export async function forwardToApi(req: ForwardRequest, fetchImpl: typeof fetch = fetch): Promise<Response> {
  const base = req.backendUrl.replace(/\/+$/, '');
  const userPath = `/api/${encodeURIComponent(req.userId)}/tasks`;
  const url = `${base}${userPath}${req.subpath}${req.search}`;
  const headers: Record<string, string> = { Authorization: `Bearer ${req.token}`, Accept: 'application/json' };
  if (req.contentType) headers['Content-Type'] = req.contentType;
  if (req.requestId) headers['X-Request-ID'] = req.requestId;
  const upstream = await fetchImpl(url, {
    method: req.method,
    headers,
    body: req.body,
    signal: req.signal,
    cache: 'no-store',
    redirect: 'manual',
  });
  const out = new Headers();
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    const value = upstream.headers.get(name);
    if (value) out.set(name, value);
  }
  const link = upstream.headers.get('link');
  if (link) out.set('link', link.replace(`<${userPath}`, `<${PROXY_PREFIX}`));
  const payload = upstream.status === 204 ? null : await upstream.arrayBuffer();
  return new Response(payload, { status: upstream.status, headers: out });
}
