// HTTP for the advisory sources: global fetch with a bounded timeout, and failures sorted
// into the three kinds the report must tell apart (an answer with an error status, no answer
// in time, no connection at all) instead of one opaque exception.

/** Why a request produced no usable answer. */
export type Failure =
  | { kind: 'status'; url: string; status: number }
  | { kind: 'timeout'; url: string; seconds: number }
  | { kind: 'network'; url: string; cause: string }
  | { kind: 'body'; url: string; problem: string };

export type Outcome<T> = { ok: true; value: T } | { ok: false; failure: Failure };

/** One line for the report: "<url> answered HTTP 405", "<url> did not answer within 15 s", … */
export function describeFailure(failure: Failure): string {
  switch (failure.kind) {
    case 'status':
      return `${failure.url} answered HTTP ${failure.status}`;
    case 'timeout':
      return `${failure.url} did not answer within ${failure.seconds} s (timeout, no HTTP answer)`;
    case 'network':
      return `${failure.url} could not be reached (network error, no HTTP answer: ${failure.cause})`;
    case 'body':
      return `${failure.url} answered HTTP 200, but not with the expected JSON (${failure.problem})`;
  }
}

/** A network failure says nothing about one package: every further request would fail alike. */
export function isConnectionFailure(failure: Failure): boolean {
  return failure.kind === 'timeout' || failure.kind === 'network';
}

function causeOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    if (cause instanceof Error) {
      const code = (cause as Error & { code?: unknown }).code;
      return typeof code === 'string' ? `${code}: ${cause.message}` : cause.message;
    }
    return error.message;
  }
  return String(error);
}

/**
 * Sends one request and parses a JSON answer. A non-2xx answer comes back as a `status`
 * failure (its body is drained, not read: the report needs only the status).
 */
export async function requestJson(url: string, init: RequestInit, timeoutMs: number): Promise<Outcome<unknown>> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      return { ok: false, failure: { kind: 'timeout', url, seconds: timeoutMs / 1000 } };
    }
    return { ok: false, failure: { kind: 'network', url, cause: causeOf(error) } };
  }
  if (!response.ok) {
    // Drain the body so the connection can be reused; its content is not part of the report.
    await response.arrayBuffer().catch(() => undefined);
    return { ok: false, failure: { kind: 'status', url, status: response.status } };
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      return { ok: false, failure: { kind: 'timeout', url, seconds: timeoutMs / 1000 } };
    }
    return { ok: false, failure: { kind: 'network', url, cause: causeOf(error) } };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, failure: { kind: 'body', url, problem: `not JSON: ${causeOf(error)}` } };
  }
}

/**
 * Runs `work` over `items` with at most `limit` in flight. When `stop()` turns true (a
 * connection failure) no further item is started; items never started are left undefined.
 */
export async function mapLimited<I, O>(
  items: readonly I[],
  limit: number,
  work: (item: I) => Promise<O>,
  stop: () => boolean = () => false,
): Promise<(O | undefined)[]> {
  const results: (O | undefined)[] = new Array<O | undefined>(items.length).fill(undefined);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length && !stop()) {
      const index = next++;
      results[index] = await work(items[index] as I);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Joins a base URL (with or without a trailing slash, possibly with a path) and a path. */
export function joinUrl(base: string, pathname: string): string {
  return `${base.replace(/\/+$/, '')}/${pathname.replace(/^\/+/, '')}`;
}
