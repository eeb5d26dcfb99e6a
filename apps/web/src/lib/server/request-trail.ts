// Node-level hooks on every request this web server receives, run before Next.js sees it
// (route handlers never see the socket): the client's connection address, the request id
// (made here, or taken from a trusted proxy in front), and one JSON log line when it ends.
import { randomUUID } from 'node:crypto';
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { PEER_ADDRESS_HEADER } from './config.mjs';

/** The ids the API accepts too (todo_api/core/middleware.py): no spaces, nothing to inject into a log. */
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The id for a request: a trusted proxy's (an ingress sets X-Request-ID), else a new one. */
export function requestIdFor(incoming: string | string[] | undefined, trustIncoming: boolean): string {
  return trustIncoming && typeof incoming === 'string' && SAFE_ID.test(incoming) ? incoming : randomUUID().replaceAll('-', '');
}

export interface RequestLine {
  ts: string;
  level: 'info';
  logger: 'web.request';
  msg: 'request';
  method: string;
  path: string;
  status: number;
  duration_ms: number;
  request_id: string;
  /** The client went away before the answer was complete. */
  aborted?: true;
}

/** One log line per request, in the API's shape; the query string is left out (it may hold search text). */
export function requestLine(request: IncomingMessage, response: ServerResponse, startedAt: bigint, id: string): RequestLine {
  return {
    ts: new Date().toISOString(),
    level: 'info',
    logger: 'web.request',
    msg: 'request',
    method: request.method ?? 'GET',
    path: (request.url ?? '/').split('?')[0]!,
    status: response.statusCode,
    duration_ms: Math.round(Number(process.hrtime.bigint() - startedAt) / 10_000) / 100,
    request_id: id,
  };
}

const INSTALLED = Symbol.for('todo.web.requestTrail');
const SEAL_KEY = Symbol.for('todo.web.peerSeal');
/** Set beside PEER_ADDRESS_HEADER by the hook alone: a value only this process knows. */
const SEAL_HEADER = 'x-todo-peer-seal';

function peerSeal(): string {
  const global = globalThis as { [SEAL_KEY]?: string };
  global[SEAL_KEY] ??= randomUUID();
  return global[SEAL_KEY];
}

/**
 * The request with PEER_ADDRESS_HEADER only if the hook set it. The server listens before
 * instrumentation subscribes, so a request that came in that early carries whatever the
 * client sent under that name: without the seal it is dropped (the limits then fall back to
 * one shared count for such requests rather than trust a client).
 */
export function withVerifiedPeer(request: Request): Request {
  if (request.headers.get(SEAL_HEADER) === peerSeal() || !request.headers.has(PEER_ADDRESS_HEADER)) return request;
  const headers = new Headers(request.headers);
  headers.delete(PEER_ADDRESS_HEADER);
  return new Request(request, { headers });
}
/** Servers of this process whose requests are no app requests (the metrics port); on globalThis, like the metrics. */
export const METRICS_SERVERS: Set<Server> = ((globalThis as { [key: symbol]: Set<Server> | undefined })[Symbol.for('todo.web.metricsServers')] ??= new Set());

/**
 * Subscribes once per process. `trustIncomingIds`: an operator declared a proxy in front
 * (TRUSTED_PROXY_HEADER), so its X-Request-ID is kept; otherwise a client's is replaced.
 */
export function installRequestTrail(
  trustIncomingIds: boolean,
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  ownServers: ReadonlySet<Server> = METRICS_SERVERS,
): void {
  const global = globalThis as { [INSTALLED]?: boolean };
  if (global[INSTALLED]) return;
  global[INSTALLED] = true;
  subscribe('http.server.request.start', (message) => {
    const { request, response, socket, server } = message as { request: IncomingMessage; response: ServerResponse; socket: Socket; server: Server };
    // The metrics port's scrapes are not the app's requests.
    if (ownServers.has(server)) return;
    // Replaces whatever the client sent under this name.
    request.headers[PEER_ADDRESS_HEADER] = socket.remoteAddress ?? '';
    request.headers[SEAL_HEADER] = peerSeal();
    const id = requestIdFor(request.headers['x-request-id'], trustIncomingIds);
    request.headers['x-request-id'] = id; // route handlers pass it on to the API
    response.setHeader('X-Request-ID', id); // the browser can quote it
    const at = process.hrtime.bigint();
    // 'close', not 'finish': a client that leaves before the answer (a closed tab during a long
    // chat turn) still gets its line, marked aborted, while the API logs its side.
    response.once('close', () => {
      // Build assets are files that never change: a line each would drown the requests.
      if (request.url?.startsWith('/_next/static/')) return;
      const line = requestLine(request, response, at, id);
      write(JSON.stringify(response.writableFinished ? line : { ...line, aborted: true }));
    });
  });
}
