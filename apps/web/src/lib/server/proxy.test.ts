/** @jest-environment node */
import { createHmac } from 'node:crypto';
import { API_LLM_TIMEOUT_MAX_MS, CHAT_TIMEOUT_MS, proxyToApi, resolveRoute } from './proxy';

jest.mock('./auth', () => ({ currentUser: jest.fn() }));
const { currentUser } = jest.requireMock('./auth') as { currentUser: jest.Mock };

const SECRET = 'j'.repeat(40);
process.env.APP_ENV = 'test';
process.env.JWT_SECRET = SECRET;
process.env.BACKEND_URL = 'http://api.internal:8000';

interface Seen {
  url: string;
  init: RequestInit;
}

function fakeApi(response: Response | Error) {
  const seen: Seen[] = [];
  const fetchImpl = (async (url: string, init: RequestInit) => {
    seen.push({ url, init });
    if (response instanceof Error) throw response;
    return response.clone();
  }) as unknown as typeof fetch;
  return { seen, fetchImpl };
}

const request = (path: string, init: RequestInit = {}) => new Request(`http://web.local/api/tasks${path}`, init);

// The tasks route handler passes the path below /api/tasks; the proxy wants it below /api.
const proxyTasks = (req: Request, segments: string[], fetchImpl: typeof fetch) => proxyToApi(req, ['tasks', ...segments], fetchImpl);

beforeEach(() => currentUser.mockResolvedValue({ id: 'user-7', email: 'u@example.com', name: 'U' }));

describe('resolveRoute', () => {
  it.each([
    [['tasks'], '/tasks', 'GET, POST'],
    [['tasks', '12'], '/tasks/12', 'GET, PUT, DELETE'],
    [['tasks', '12', 'complete'], '/tasks/12/complete', 'PATCH'],
    [['chat'], '/chat', 'POST'],
    [['conversations'], '/conversations', 'GET'],
    [['conversations', '3'], '/conversations/3', 'DELETE'],
    [['conversations', '3', 'messages'], '/conversations/3/messages', 'GET'],
  ])('%j -> %s (%s)', (segments, apiPath, methods) => {
    const route = resolveRoute(segments);
    expect(route?.apiPath).toBe(apiPath);
    expect(route?.methods.join(', ')).toBe(methods);
  });

  it.each([
    [[]],
    [['tasks', '0']],
    [['tasks', 'abc']],
    [['tasks', '12', 'other']],
    [['tasks', '12', 'complete', 'x']],
    [['tasks', '..', 'x']],
    [['tasks', '99999999999']],
    [['chat', '1']],
    [['conversations', 'x']],
    [['conversations', '3', 'messages', '4']],
    [['conversations', '-3', 'messages']],
    [['users']],
    [['healthz']],
  ])('refuses %j', (segments) => {
    expect(resolveRoute(segments)).toBeNull();
  });

  it('gives chat turns a longer upstream timeout than task calls', () => {
    expect(resolveRoute(['chat'])!.timeoutMs).toBeGreaterThanOrEqual(60_000);
    expect(resolveRoute(['tasks'])!.timeoutMs).toBeLessThan(resolveRoute(['chat'])!.timeoutMs);
  });

  it('waits for chat longer than the API lets a language model take, so the API answers first', () => {
    expect(resolveRoute(['chat'])!.timeoutMs).toBe(CHAT_TIMEOUT_MS);
    expect(CHAT_TIMEOUT_MS - API_LLM_TIMEOUT_MAX_MS).toBeGreaterThanOrEqual(5_000);
  });
});

describe('proxyTasks', () => {
  it('forwards to the user’s API path with a fresh short-lived token', async () => {
    const api = fakeApi(Response.json([{ id: 1 }], { headers: { 'x-request-id': 'r1', 'set-cookie': 'nope=1' } }));
    const response = await proxyTasks(request('?status=pending'), [], api.fetchImpl);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([{ id: 1 }]);
    expect(response.headers.get('x-request-id')).toBe('r1');
    expect(response.headers.get('set-cookie')).toBeNull(); // only chosen headers pass

    const [call] = api.seen;
    expect(call!.url).toBe('http://api.internal:8000/api/user-7/tasks?status=pending');
    const token = (call!.init.headers as Record<string, string>).Authorization!.replace('Bearer ', '');
    const [header, payload, signature] = token.split('.');
    expect(createHmac('sha256', SECRET).update(`${header}.${payload}`).digest('base64url')).toBe(signature);
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    expect(claims.sub).toBe('user-7');
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(300);
  });

  it('passes bodies and methods through, and rewrites Link to the proxy path', async () => {
    const api = fakeApi(
      Response.json({ id: 3 }, { status: 201, headers: { link: '</api/user-7/tasks?offset=3&limit=3>; rel="next"' } }),
    );
    const response = await proxyTasks(
      request('', { method: 'POST', body: '{"title":"x"}', headers: { 'content-type': 'application/json' } }),
      [],
      api.fetchImpl,
    );
    expect(response.status).toBe(201);
    expect(response.headers.get('link')).toBe('</api/tasks?offset=3&limit=3>; rel="next"');
    expect(api.seen[0]!.init.method).toBe('POST');
    expect(api.seen[0]!.init.body).toBe('{"title":"x"}');
  });

  it('keeps the API’s errors as they are (422 names the field)', async () => {
    const detail = [{ loc: ['body', 'title'], msg: 'too long', type: 'value_error' }];
    const api = fakeApi(Response.json({ detail }, { status: 422 }));
    const response = await proxyTasks(
      request('', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }),
      [],
      api.fetchImpl,
    );
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ detail });
  });

  it('returns 204 with no body', async () => {
    const api = fakeApi(new Response(null, { status: 204 }));
    const response = await proxyTasks(request('/4', { method: 'DELETE' }), ['4'], api.fetchImpl);
    expect(response.status).toBe(204);
    expect(api.seen[0]!.url).toBe('http://api.internal:8000/api/user-7/tasks/4');
  });

  it('is 401 without a session, and never calls the API', async () => {
    currentUser.mockResolvedValue(null);
    const api = fakeApi(Response.json([]));
    const response = await proxyTasks(request(''), [], api.fetchImpl);
    expect(response.status).toBe(401);
    expect(api.seen).toHaveLength(0);
  });

  it('is 404 for other paths and 405 (with Allow) for other methods', async () => {
    const api = fakeApi(Response.json([]));
    expect((await proxyTasks(request('/x'), ['x'], api.fetchImpl)).status).toBe(404);
    const wrongMethod = await proxyTasks(request('', { method: 'DELETE' }), [], api.fetchImpl);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, POST');
    expect((await proxyTasks(request('/1/complete'), ['1', 'complete'], api.fetchImpl)).status).toBe(405);
    expect(api.seen).toHaveLength(0);
  });

  it('is 413 for a body over the limit', async () => {
    const api = fakeApi(Response.json({}));
    const big = 'x'.repeat(70_000);
    const response = await proxyTasks(request('', { method: 'POST', body: big }), [], api.fetchImpl);
    expect(response.status).toBe(413);
    expect(api.seen).toHaveLength(0);
  });

  it('is a retryable 502 when the API is down', async () => {
    const api = fakeApi(new TypeError('fetch failed'));
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const response = await proxyTasks(request(''), [], api.fetchImpl);
    spy.mockRestore();
    expect(response.status).toBe(502);
    expect(response.headers.get('retry-after')).toBe('2');
    expect((await response.json()).detail).toMatch(/unavailable/);
  });

  const post = (headers: Record<string, string>) =>
    request('', { method: 'POST', body: '{"title":"x"}', headers: { 'content-type': 'application/json', ...headers } });

  it('refuses changes from another site, by Origin or by Sec-Fetch-Site', async () => {
    const api = fakeApi(Response.json({ id: 1 }, { status: 201 }));
    expect((await proxyTasks(post({ origin: 'http://evil.example' }), [], api.fetchImpl)).status).toBe(403);
    expect((await proxyTasks(post({ 'sec-fetch-site': 'cross-site' }), [], api.fetchImpl)).status).toBe(403);
    expect((await proxyTasks(post({ 'sec-fetch-site': 'same-site' }), [], api.fetchImpl)).status).toBe(403);
    expect(api.seen).toHaveLength(0);
    // Our own pages, and clients that are not browsers, may.
    expect((await proxyTasks(post({ origin: 'http://web.local', 'sec-fetch-site': 'same-origin' }), [], api.fetchImpl)).status).toBe(201);
    expect((await proxyTasks(post({ origin: 'http://localhost:3000' }), [], api.fetchImpl)).status).toBe(201);
    expect((await proxyTasks(post({}), [], api.fetchImpl)).status).toBe(201);
    // Reading is never refused for its origin (a cross-site page cannot read the answer anyway).
    expect((await proxyTasks(request('', { headers: { 'sec-fetch-site': 'cross-site' } }), [], api.fetchImpl)).status).toBe(201);
  });

  it('wants JSON bodies (415 otherwise)', async () => {
    const api = fakeApi(Response.json({}));
    const form = request('', { method: 'POST', body: 'title=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect((await proxyTasks(form, [], api.fetchImpl)).status).toBe(415);
    const bare = request('', { method: 'POST', body: new Blob(['{"title":"x"}']) });
    expect((await proxyTasks(bare, [], api.fetchImpl)).status).toBe(415);
    expect(api.seen).toHaveLength(0);
  });

  it('turns the API refusing our token into a 502 that names the cause', async () => {
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    for (const status of [401, 403]) {
      const api = fakeApi(Response.json({ detail: 'token signature is invalid' }, { status }));
      const response = await proxyTasks(request(''), [], api.fetchImpl);
      expect(response.status).toBe(502);
      expect((await response.json()).detail).toMatch(/JWT_SECRET/);
    }
    spy.mockRestore();
  });

  it('never forwards the browser’s own credentials, and marks answers private', async () => {
    const api = fakeApi(Response.json([]));
    const response = await proxyTasks(
      request('', { headers: { authorization: 'Bearer browser-made', cookie: 'better-auth.session_token=abc' } }),
      [],
      api.fetchImpl,
    );
    const sent = api.seen[0]!.init.headers as Record<string, string>;
    expect(sent.Authorization).not.toBe('Bearer browser-made');
    expect(Object.keys(sent).map((k) => k.toLowerCase())).not.toContain('cookie');
    expect(response.headers.get('cache-control')).toBe('private, no-store');
  });
});

describe('proxyToApi: the assistant’s paths', () => {
  const chat = (body: string, headers: Record<string, string> = {}) =>
    new Request('http://web.local/api/chat', { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

  it('forwards a chat turn to the user’s chat endpoint, body as sent', async () => {
    const answer = { conversation_id: 5, response: 'Added “Buy milk”.', tool_calls: [] };
    const api = fakeApi(Response.json(answer));
    const response = await proxyToApi(chat('{"message":"add buy milk"}'), ['chat'], api.fetchImpl);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(answer);
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(api.seen[0]!.url).toBe('http://api.internal:8000/api/user-7/chat');
    expect(api.seen[0]!.init.method).toBe('POST');
    expect(api.seen[0]!.init.body).toBe('{"message":"add buy milk"}');
    expect(api.seen[0]!.init.signal).toBeInstanceOf(AbortSignal);
  });

  it('lists conversations (query kept), reads messages and deletes', async () => {
    const list = fakeApi(Response.json([{ id: 5 }]));
    await proxyToApi(new Request('http://web.local/api/conversations?limit=5'), ['conversations'], list.fetchImpl);
    expect(list.seen[0]!.url).toBe('http://api.internal:8000/api/user-7/conversations?limit=5');

    const messages = fakeApi(Response.json([]));
    await proxyToApi(new Request('http://web.local/api/conversations/5/messages'), ['conversations', '5', 'messages'], messages.fetchImpl);
    expect(messages.seen[0]!.url).toBe('http://api.internal:8000/api/user-7/conversations/5/messages');

    const removed = fakeApi(new Response(null, { status: 204 }));
    const response = await proxyToApi(
      new Request('http://web.local/api/conversations/5', { method: 'DELETE' }),
      ['conversations', '5'],
      removed.fetchImpl,
    );
    expect(response.status).toBe(204);
    expect(removed.seen[0]!.init.method).toBe('DELETE');
  });

  it('passes 429 and its Retry-After through, and 404s as the API said them', async () => {
    const limited = fakeApi(Response.json({ detail: 'too many messages' }, { status: 429, headers: { 'retry-after': '17' } }));
    const response = await proxyToApi(chat('{"message":"hi"}'), ['chat'], limited.fetchImpl);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('17');
    expect(await response.json()).toEqual({ detail: 'too many messages' });

    const missing = fakeApi(Response.json({ detail: 'conversation 9 not found' }, { status: 404 }));
    const notFound = await proxyToApi(chat('{"conversation_id":9,"message":"hi"}'), ['chat'], missing.fetchImpl);
    expect(notFound.status).toBe(404);
  });

  it('only allows each path its methods (405 with Allow), before any API call', async () => {
    const api = fakeApi(Response.json({}));
    const get = await proxyToApi(new Request('http://web.local/api/chat'), ['chat'], api.fetchImpl);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const readOne = await proxyToApi(new Request('http://web.local/api/conversations/5'), ['conversations', '5'], api.fetchImpl);
    expect(readOne.headers.get('allow')).toBe('DELETE');
    expect(api.seen).toHaveLength(0);
  });

  it('applies the same guards: session, same site, JSON', async () => {
    const api = fakeApi(Response.json({}));
    expect((await proxyToApi(chat('{"message":"hi"}', { origin: 'http://evil.example' }), ['chat'], api.fetchImpl)).status).toBe(403);
    const form = new Request('http://web.local/api/chat', { method: 'POST', body: 'message=hi', headers: { 'content-type': 'text/plain' } });
    expect((await proxyToApi(form, ['chat'], api.fetchImpl)).status).toBe(415);
    const foreignDelete = new Request('http://web.local/api/conversations/5', { method: 'DELETE', headers: { 'sec-fetch-site': 'cross-site' } });
    expect((await proxyToApi(foreignDelete, ['conversations', '5'], api.fetchImpl)).status).toBe(403);
    currentUser.mockResolvedValue(null);
    expect((await proxyToApi(new Request('http://web.local/api/conversations'), ['conversations'], api.fetchImpl)).status).toBe(401);
    expect(api.seen).toHaveLength(0);
  });

  it('names the assistant when the API is down, and answers 504 when a turn takes too long', async () => {
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const down = await proxyToApi(chat('{"message":"hi"}'), ['chat'], fakeApi(new TypeError('fetch failed')).fetchImpl);
    expect(down.status).toBe(502);
    expect((await down.json()).detail).toMatch(/assistant is unavailable/);

    // What fetch rejects with when AbortSignal.timeout fires.
    const slow = fakeApi(Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }));
    const timedOut = await proxyToApi(chat('{"message":"hi"}'), ['chat'], slow.fetchImpl);
    expect(timedOut.status).toBe(504);
    const detail = (await timedOut.json()).detail as string;
    expect(detail).toMatch(/took too long/);
    // The turn may still finish on the API: nothing tells the user to send it again blindly.
    expect(detail).toMatch(/may still finish/);
    expect(detail).not.toMatch(/retry in a moment/);
    spy.mockRestore();
  });
});
