/** @jest-environment node */
// The node-level hooks on a real HTTP server: the connection's address replaces a forged one,
// a request id is made (or kept from a trusted proxy), and one JSON line is logged per request.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PEER_ADDRESS_HEADER } from './config.mjs';
import { installRequestTrail, METRICS_SERVERS, requestIdFor, withVerifiedPeer } from './request-trail';

const lines: string[] = [];
let server: Server;
let seen: IncomingHttpHeaders[] = [];
let origin: string;

beforeAll(async () => {
  installRequestTrail(false, (line) => lines.push(line));
  server = createServer((request, response) => {
    seen.push({ ...request.headers });
    if (request.url === '/slow') return; // never answers: the client gives up
    response.statusCode = request.url?.startsWith('/missing') ? 404 : 200;
    response.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen = [];
  lines.length = 0;
});

it('replaces a forged peer address with the connection’s own, sealed so the auth route can tell', async () => {
  await fetch(`${origin}/x`, { headers: { [PEER_ADDRESS_HEADER]: '203.0.113.9', 'x-todo-peer-seal': 'guessed' } });
  const headers = seen[0]!;
  expect(headers[PEER_ADDRESS_HEADER]).toMatch(/127\.0\.0\.1$/);
  const asFetchRequest = new Request(`${origin}/x`, { headers: headers as Record<string, string> });
  expect(withVerifiedPeer(asFetchRequest).headers.get(PEER_ADDRESS_HEADER)).toBe(headers[PEER_ADDRESS_HEADER]);
});

it('drops a peer address the hook did not set (a request that came before it subscribed)', () => {
  const forged = new Request('http://web/api/auth/sign-in/email', { headers: { [PEER_ADDRESS_HEADER]: '203.0.113.9', 'x-todo-peer-seal': 'guessed' } });
  expect(withVerifiedPeer(forged).headers.get(PEER_ADDRESS_HEADER)).toBeNull();
});

it('gives every request an id, returns it, and logs one JSON line with it (no query string)', async () => {
  const answer = await fetch(`${origin}/missing?q=secret`, { headers: { 'x-request-id': 'client-chosen' } });
  const id = answer.headers.get('x-request-id')!;
  expect(id).toMatch(/^[0-9a-f]{32}$/); // a client's id is not kept without a trusted proxy
  expect(seen[0]!['x-request-id']).toBe(id);
  await new Promise((r) => setTimeout(r, 20));
  expect(lines.map((l) => JSON.parse(l))).toEqual([
    expect.objectContaining({ level: 'info', logger: 'web.request', msg: 'request', method: 'GET', path: '/missing', status: 404, request_id: id }),
  ]);
});

it('keeps a trusted proxy’s id when it is safe to log, else makes one', () => {
  expect(requestIdFor('ingress-abc.123', true)).toBe('ingress-abc.123');
  expect(requestIdFor('ingress-abc.123', false)).not.toBe('ingress-abc.123');
  expect(requestIdFor('bad id\nwith newline', true)).toMatch(/^[0-9a-f]{32}$/);
});

it('logs a request the client abandoned, marked aborted', async () => {
  await fetch(`${origin}/slow`, { signal: AbortSignal.timeout(100) }).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 100));
  expect(lines.map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ path: '/slow', aborted: true })]);
});

it('leaves the metrics port\'s own requests alone', async () => {
  const metrics = createServer((_request, response) => response.end('# metrics'));
  METRICS_SERVERS.add(metrics);
  await new Promise<void>((resolve) => metrics.listen(0, '127.0.0.1', resolve));
  const answer = await fetch(`http://127.0.0.1:${(metrics.address() as AddressInfo).port}/metrics`);
  expect(answer.headers.get('x-request-id')).toBeNull();
  await new Promise((r) => setTimeout(r, 20));
  expect(lines).toEqual([]);
  await new Promise((resolve) => metrics.close(resolve));
});
