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
