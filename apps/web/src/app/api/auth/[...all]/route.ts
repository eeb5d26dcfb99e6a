import { getAuth } from '../../../../lib/server/auth';
import { authOutcome, webMetrics } from '../../../../lib/server/metrics';
import { withVerifiedPeer } from '../../../../lib/server/request-trail';

const COUNTED = { '/api/auth/sign-in/email': 'sign_in', '/api/auth/sign-up/email': 'sign_up' } as const;

export const dynamic = 'force-dynamic';

async function handler(request: Request): Promise<Response> {
  const auth = await getAuth();
  const response = await auth.handler(withVerifiedPeer(request));
  // Better Auth's per-address limit names the wait only in X-Retry-After; clients and
  // proxies read the standard header.
  const wait = response.status === 429 ? response.headers.get('x-retry-after') : null;
  if (wait && !response.headers.has('retry-after')) response.headers.set('retry-after', wait);
  const action = COUNTED[new URL(request.url).pathname as keyof typeof COUNTED];
  if (action && request.method === 'POST') webMetrics().auth.inc({ action, outcome: authOutcome(response.status) });
  return response;
}

export { handler as GET, handler as POST };
