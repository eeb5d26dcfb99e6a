import { getAuth } from '../../../../lib/server/auth';

export const dynamic = 'force-dynamic';

async function handler(request: Request): Promise<Response> {
  const auth = await getAuth();
  const response = await auth.handler(request);
  // Better Auth's per-address limit names the wait only in X-Retry-After; clients and
  // proxies read the standard header.
  const wait = response.status === 429 ? response.headers.get('x-retry-after') : null;
  if (wait && !response.headers.has('retry-after')) response.headers.set('retry-after', wait);
  return response;
}

export { handler as GET, handler as POST };
