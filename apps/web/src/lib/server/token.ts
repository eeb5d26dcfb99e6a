// Short-lived HS256 tokens for the API: `sub` is the user id. The API verifies them with the
// same secret (JWT_SECRET); the browser never sees one.
import { createHmac } from 'node:crypto';

const base64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

export function mintApiToken(userId: string, secret: string, ttlSeconds: number, nowSeconds = Date.now() / 1000): string {
  const issued = Math.floor(nowSeconds);
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ sub: userId, iat: issued, exp: issued + ttlSeconds }));
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

/**
 * A minted token per user, reused while at least half its lifetime is left: the API then sees
 * tokens valid for ttl/2 to ttl seconds, never less, and this process signs one per user every
 * ttl/2 seconds instead of one per request. Keyed by secret and lifetime too, so a change of
 * either never serves an old token. Bounded: full, it starts over.
 */
export class ApiTokenCache {
  private readonly tokens = new Map<string, { token: string; renewAt: number }>();

  constructor(private readonly maxEntries = 10_000) {}

  tokenFor(userId: string, secret: string, ttlSeconds: number, nowSeconds = Date.now() / 1000): string {
    const key = `${ttlSeconds}\u0000${secret}\u0000${userId}`;
    const held = this.tokens.get(key);
    if (held && nowSeconds < held.renewAt) return held.token;
    if (this.tokens.size >= this.maxEntries) this.tokens.clear();
    const token = mintApiToken(userId, secret, ttlSeconds, nowSeconds);
    this.tokens.set(key, { token, renewAt: Math.floor(nowSeconds) + ttlSeconds / 2 });
    return token;
  }
}

const processTokens = new ApiTokenCache();

/** This process's token for `userId` (see ApiTokenCache). */
export function apiTokenFor(userId: string, secret: string, ttlSeconds: number): string {
  return processTokens.tokenFor(userId, secret, ttlSeconds);
}
