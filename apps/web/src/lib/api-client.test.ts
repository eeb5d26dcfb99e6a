/** @jest-environment node */
// The generated client library's hand-written parts, as the web uses them.
import { ApiError, apiErrorFrom, collectPages } from '@todo/api-client';
import { createChatApi, RetryLaterError } from '@todo/api-client/browser';

describe('collectPages', () => {
  it('asks page after page until one comes back short', async () => {
    const rows = Array.from({ length: 7 }, (_, i) => i);
    const asked: number[] = [];
    const all = await collectPages(async (offset, limit) => {
      asked.push(offset);
      return rows.slice(offset, offset + limit);
    }, 3);
    expect(all).toEqual(rows);
    expect(asked).toEqual([0, 3, 6]);
  });

  it('stops after an exactly full last page with one empty ask', async () => {
    const asked: number[] = [];
    await collectPages(async (offset) => (asked.push(offset), offset < 4 ? [1, 2] : []), 2);
    expect(asked).toEqual([0, 2, 4]);
  });
});

describe('apiErrorFrom', () => {
  it('keeps the API’s 422 list and names the fields', () => {
    const error = apiErrorFrom(422, { detail: [{ loc: ['body', 'title'], msg: 'too long', type: 'x' }] });
    expect(error.detail).toBe('title: too long');
    expect(error.fieldMessage('title')).toBe('too long');
    expect(error.fieldMessage('description')).toBeUndefined();
  });

  it('takes a plain detail, or says what happened without one', () => {
    expect(apiErrorFrom(404, { detail: 'task 4 not found' }).detail).toBe('task 4 not found');
    expect(apiErrorFrom(500, null).detail).toBe('request failed with status 500');
  });
});

describe('createChatApi', () => {
  function recorder(response: () => Response) {
    const seen: { url: string; init: RequestInit }[] = [];
    const fetchImpl = (async (url: string, init: RequestInit) => {
      seen.push({ url, init });
      return response();
    }) as unknown as typeof fetch;
    return { seen, fetchImpl };
  }

  it('posts a turn to the web origin’s /api/chat as JSON', async () => {
    const api = recorder(() => Response.json({ conversation_id: 3, response: 'hi', tool_calls: [] }));
    const answer = await createChatApi(api.fetchImpl).send({ conversation_id: 3, message: 'hello' });
    expect(answer.conversation_id).toBe(3);
    expect(api.seen[0]!.url).toBe('/api/chat');
    expect(api.seen[0]!.init.method).toBe('POST');
    expect(api.seen[0]!.init.body).toBe('{"conversation_id":3,"message":"hello"}');
    expect((api.seen[0]!.init.headers as Record<string, string>)['Content-Type']).toBe('application/json');
  });

  it('keeps the failed answer’s X-Request-ID on the error, for the user to quote', async () => {
    const headers = { 'x-request-id': 'trace-42', 'retry-after': '2' };
    const api = recorder(() => Response.json({ detail: 'the assistant is unavailable; retry in a moment' }, { status: 502, headers }));
    await expect(createChatApi(api.fetchImpl).send({ message: 'hi' })).rejects.toMatchObject({ status: 502, requestId: 'trace-42', retryAfterSeconds: 2 });
  });

  it('lists conversations and messages, and deletes one', async () => {
    const api = recorder(() => Response.json([]));
    const chat = createChatApi(api.fetchImpl);
    await chat.listConversations();
    await chat.listConversations(50);
    await chat.messages(7);
    const deleting = recorder(() => new Response(null, { status: 204 }));
    await expect(createChatApi(deleting.fetchImpl).deleteConversation(7)).resolves.toBeUndefined();
    expect(api.seen.map((s) => s.url)).toEqual(['/api/conversations', '/api/conversations?limit=50', '/api/conversations/7/messages']);
    expect(deleting.seen[0]).toMatchObject({ url: '/api/conversations/7', init: { method: 'DELETE' } });
  });

  it('turns error answers into ApiErrors, with Retry-After when given', async () => {
    const limited = recorder(() => Response.json({ detail: 'too many messages' }, { status: 429, headers: { 'Retry-After': '30' } }));
    const error = await createChatApi(limited.fetchImpl).send({ message: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toBeInstanceOf(RetryLaterError);
    expect(error).toMatchObject({ status: 429, detail: 'too many messages', retryAfterSeconds: 30 });

    const missing = recorder(() => Response.json({ detail: 'conversation 9 not found' }, { status: 404 }));
    const notFound = await createChatApi(missing.fetchImpl).messages(9).catch((e: unknown) => e);
    expect(notFound).toMatchObject({ status: 404, detail: 'conversation 9 not found' });
    expect(notFound).not.toBeInstanceOf(RetryLaterError);

    const offline = (async () => Promise.reject(new TypeError('Failed to fetch'))) as unknown as typeof fetch;
    await expect(createChatApi(offline).listConversations()).rejects.toMatchObject({ status: 0 });
  });
});
