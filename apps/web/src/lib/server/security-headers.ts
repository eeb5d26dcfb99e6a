// The browser-hardening headers of every answer, and the page's Content-Security-Policy.
// One function of (nonce, public origin, development?), so a unit test reads what ships.

export interface SecurityHeaderOptions {
  /** A fresh, unguessable value per page render (src/proxy.ts); pages' scripts carry it. */
  nonce: string;
  /** BETTER_AUTH_URL: HTTPS here turns on HSTS. */
  publicOrigin: string;
  /** `next dev`: React needs eval for its debugging aids, and the live-reload socket. */
  development: boolean;
}

/** The policy: scripts only with this render's nonce, connections only to this origin. */
export function contentSecurityPolicy({ nonce, development }: SecurityHeaderOptions): string {
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    // 'strict-dynamic': a script the nonce allowed may load Next's chunks; nothing inline else.
    'script-src': ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(development ? ["'unsafe-eval'"] : [])],
    // next dev's error overlay and tools inject inline styles; production needs none.
    'style-src': development ? ["'self'", "'unsafe-inline'"] : ["'self'", `'nonce-${nonce}'`],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'", ...(development ? ['ws:'] : [])],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/**
 * The same for every answer, files and 404s included: set by next.config.ts headers(), which
 * also covers what src/proxy.ts never sees (static files, Next's own redirects).
 */
export const STATIC_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY', // frame-ancestors for browsers that predate CSP 2
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** What depends on the request or the run-time configuration: set by src/proxy.ts. */
export function securityHeaders(options: SecurityHeaderOptions, page: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  // Only over HTTPS: sent over plain HTTP it would be ignored, and on localhost it would
  // pin a developer's browser to HTTPS for a year.
  if (options.publicOrigin.startsWith('https://')) headers['Strict-Transport-Security'] = 'max-age=31536000; includeSubDomains';
  if (page) headers['Content-Security-Policy'] = contentSecurityPolicy(options);
  // Route handlers answer with one user's data (or a probe): no cache keeps a copy.
  else headers['Cache-Control'] = 'no-store';
  return headers;
}
