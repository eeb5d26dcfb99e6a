/** @jest-environment node */
// The API transport: fetch's shape over node:http, one kept-alive connection for many calls.
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { agentFor, apiFetch } from './api-transport';

let server: Server;
let base: string;
const connections = new Set<Socket>();
let handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, body: string) => void;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => handler(req, res, body));
  });
  server.on('connection', (socket) => connections.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  agentFor('http:').destroy();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  handler = (req, res, body) => {
    res.writeHead(200, { 'content-type': 'application/json', link: '</next>; rel="next"' });
    res.end(JSON.stringify({ method: req.method, url: req.url, auth: req.headers.authorization, body }));
  };
});

it('keeps one connection alive across calls', async () => {
  connections.clear();
  for (let i = 0; i < 5; i++) {
    const response = await apiFetch(`${base}/api/u/tasks?limit=${i}`, { headers: { Authorization: 'Bearer t' } });
    expect(await response.json()).toEqual({ method: 'GET', url: `/api/u/tasks?limit=${i}`, auth: 'Bearer t', body: '' });
  }
  expect(connections.size).toBe(1);
  expect((agentFor('http:') as unknown as { options: { keepAlive?: boolean } }).options.keepAlive).toBe(true);
});

it('sends a body and hands back status and headers as fetch would', async () => {
  const response = await apiFetch(`${base}/x`, { method: 'POST', body: '{"title":"é"}', headers: { 'content-type': 'application/json' } });
  expect(response.status).toBe(200);
  expect(response.headers.get('link')).toBe('</next>; rel="next"');
  expect((await response.json()).body).toBe('{"title":"é"}');
});

it('takes a Request, as openapi-fetch passes one', async () => {
  const response = await apiFetch(new Request(`${base}/r`, { method: 'PUT', body: 'b', headers: { authorization: 'Bearer r' } }));
  expect(await response.json()).toEqual({ method: 'PUT', url: '/r', auth: 'Bearer r', body: 'b' });
});

it('answers 204 with no body', async () => {
  handler = (_req, res) => res.writeHead(204).end();
  const response = await apiFetch(`${base}/gone`, { method: 'DELETE' });
  expect(response.status).toBe(204);
  expect(response.body).toBeNull();
});

it('ends with the signal’s reason when it times out', async () => {
  handler = () => undefined; // never answers
  await expect(apiFetch(`${base}/slow`, { signal: AbortSignal.timeout(50) })).rejects.toMatchObject({ name: 'TimeoutError' });
});

it('fails like fetch, the reason in its cause, when nothing listens', async () => {
  await expect(apiFetch('http://127.0.0.1:1/none')).rejects.toMatchObject({ message: 'fetch failed', cause: { code: 'ECONNREFUSED' } });
});

it('sends a GET again when a kept-alive connection was closed under it', async () => {
  await (await apiFetch(`${base}/warm`)).text(); // one idle connection in the pool
  let calls = 0;
  handler = (req, res, body) => {
    calls += 1;
    if (calls === 1) return req.socket.destroy(); // the server drops the reused connection
    res.end(JSON.stringify({ body }));
  };
  const response = await apiFetch(`${base}/again`);
  expect(response.status).toBe(200);
  expect(calls).toBe(2);
});

it('does not send a DELETE again: the API may have run it before the connection closed', async () => {
  await (await apiFetch(`${base}/warm`)).text(); // one idle connection in the pool
  let calls = 0;
  handler = (req) => {
    calls += 1;
    req.socket.destroy(); // the request was read (and may have been run), then the connection drops
  };
  await expect(apiFetch(`${base}/tasks/1`, { method: 'DELETE' })).rejects.toMatchObject({
    message: 'fetch failed',
    cause: { code: 'ECONNRESET' },
  });
  expect(calls).toBe(1);
});

it('sends a PUT again when a kept-alive connection was closed under it', async () => {
  await (await apiFetch(`${base}/warm`)).text();
  let calls = 0;
  handler = (req, res, body) => {
    calls += 1;
    if (calls === 1) return req.socket.destroy();
    res.end(JSON.stringify({ body }));
  };
  const response = await apiFetch(`${base}/tasks/1`, { method: 'PUT', body: 'b' });
  expect(await response.json()).toEqual({ body: 'b' });
  expect(calls).toBe(2);
});

it('fails like fetch when the answer cannot be made a Response', async () => {
  handler = (_req, res) => res.writeHead(600).end('odd'); // Response refuses a status over 599
  await expect(apiFetch(`${base}/odd`)).rejects.toMatchObject({ message: 'fetch failed', cause: { name: 'RangeError' } });
});

it('puts no cap on connections in use, only on idle ones kept', () => {
  const { maxSockets, maxFreeSockets } = agentFor('http:');
  expect(maxSockets).toBe(Infinity);
  expect(maxFreeSockets).toBe(16);
});
