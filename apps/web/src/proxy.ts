// Next.js's request "proxy" file convention (before Next 16: middleware). It runs before every
// page and route handler and adds the headers that depend on the request (the fixed ones come
// from next.config.ts); a page gets this render's CSP nonce, which Next reads from the
// request's Content-Security-Policy and puts on its scripts.
// (Not to be confused with lib/server/proxy.ts, which forwards browser calls to the API.)
import { type NextRequest, NextResponse } from 'next/server';
import { getConfig } from './lib/server/config.mjs';
import { contentSecurityPolicy, securityHeaders } from './lib/server/security-headers';

export function proxy(request: NextRequest): NextResponse {
  const config = getConfig();
  const page = !request.nextUrl.pathname.startsWith('/api/');
  // Route handlers get no nonce and their request as it came (no copy of its headers).
  const options = {
    nonce: page ? Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64') : '',
    publicOrigin: config.authUrl,
    development: process.env.NODE_ENV === 'development',
  };
  let response: NextResponse;
  if (page) {
    const forwarded = new Headers(request.headers);
    forwarded.set('content-security-policy', contentSecurityPolicy(options));
    response = NextResponse.next({ request: { headers: forwarded } });
  } else {
    response = NextResponse.next();
  }
  for (const [name, value] of Object.entries(securityHeaders(options, page))) response.headers.set(name, value);
  return response;
}

export const config = {
  // Build assets are immutable files: no nonce, no per-request headers.
  matcher: ['/((?!_next/static|_next/image).*)'],
};
