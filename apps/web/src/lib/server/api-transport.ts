// How this server reaches the API: a fetch-shaped function over node:http with a keep-alive
// agent. The global fetch (undici behind Next's patched wrapper) costs more CPU per call than
// the work of the call itself here: WHATWG streams for a few kB of JSON, Next's fetch
// tracking. This reads the API's answer into one buffer (they are small: a page of tasks, a
// chat reply) and reuses connections.
import http from 'node:http';
import https from 'node:https';

// A free connection is dropped after this long: under uvicorn's keep-alive timeout (5 s), so
// we close an idle connection before the API does (a request sent just as the server closes
// fails with ECONNRESET; see the retry below for the rare remaining case).
// 4 s because of the API's drain (apps/api/todo_api/core/drain.py) and uvicorn's 5 s keep-alive.
export const IDLE_SOCKET_MS = 4_000;

// No cap on sockets in use (Node's default): a chat call may hold one for up to 60 s, and task
// calls must not queue behind those. Only the pool of idle sockets kept for reuse is bounded.
const agents = {
  'http:': new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS, maxFreeSockets: 16, scheduling: 'lifo' }),
  'https:': new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS, maxFreeSockets: 16, scheduling: 'lifo' }),
};

/** The keep-alive agent for a URL's protocol (exported for tests). */
export function agentFor(protocol: string): http.Agent {
  const agent = agents[protocol as keyof typeof agents];
  if (!agent) throw new TypeError(`fetch failed`, { cause: new Error(`unsupported protocol ${protocol}`) });
  return agent;
}

// A reset on a reused kept-alive connection usually means the API closed the idle socket
// before reading the request, but it may also come after the API ran it. So only methods whose
// repetition is harmless, with the same answer, are sent again: not DELETE (a second one would
// answer 404 for a delete that worked), not POST.
const RETRYABLE = new Set(['GET', 'HEAD', 'PUT']);

interface Outgoing {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  signal: AbortSignal | undefined;
}

function send(out: Outgoing, retried = false): Promise<Response> {
  return new Promise((resolve, reject) => {
    const { signal } = out;
    if (signal?.aborted) return reject(signal.reason);
    const request = (out.url.protocol === 'https:' ? https : http).request(out.url, {
      method: out.method,
      headers: out.body ? { ...out.headers, 'content-length': String(out.body.length) } : out.headers,
      agent: agentFor(out.url.protocol),
    });
    const onAbort = () => request.destroy(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => signal?.removeEventListener('abort', onAbort);
    request.on('error', (error: NodeJS.ErrnoException) => {
      done();
      if (signal?.aborted) return reject(signal.reason);
      if (!retried && request.reusedSocket && error.code === 'ECONNRESET' && RETRYABLE.has(out.method)) {
        return resolve(send(out, true));
      }
      // The global fetch's shape: callers read the reason from `cause`.
      reject(new TypeError('fetch failed', { cause: error }));
    });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', (error) => {
        done();
        reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: error }));
      });
      response.on('end', () => {
        done();
        // A header or status that Headers or Response refuse would otherwise throw out of this
        // listener (an uncaught exception) and leave the promise unsettled.
        try {
          const headers = new Headers();
          for (let i = 0; i < response.rawHeaders.length; i += 2) headers.append(response.rawHeaders[i]!, response.rawHeaders[i + 1]!);
          const status = response.statusCode ?? 502;
          const nullBody = status === 204 || status === 304 || out.method === 'HEAD';
          resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status, statusText: response.statusMessage, headers }));
        } catch (cause) {
          reject(new TypeError('fetch failed', { cause }));
        }
      });
    });
    request.end(out.body);
  });
}

/** A fetch for calls to the API (what @todo/api-client's functions take as `fetchImpl`). */
export const apiFetch: typeof fetch = async (input, init) => {
  const request = input instanceof Request ? input : undefined;
  const url = new URL(request ? request.url : String(input));
  const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = {};
  new Headers(init?.headers ?? request?.headers).forEach((value, name) => (headers[name] = value));
  let body: Buffer | undefined;
  if (typeof init?.body === 'string') body = Buffer.from(init.body);
  else if (init?.body !== undefined && init.body !== null) body = Buffer.from(await new Response(init.body).arrayBuffer());
  else if (request?.body) body = Buffer.from(await request.arrayBuffer());
  return send({ url, method, headers, body, signal: init?.signal ?? request?.signal ?? undefined });
};
