/** @jest-environment node */
import { contentSecurityPolicy, securityHeaders, STATIC_SECURITY_HEADERS } from './security-headers';

const base = { nonce: 'abc123', publicOrigin: 'http://localhost:3000', development: false };

describe('the Content-Security-Policy', () => {
  it('allows scripts by nonce only in production: no unsafe-inline, no eval', () => {
    const csp = contentSecurityPolicy(base);
    expect(csp).toContain("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("connect-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
  });

  it('lets next dev use eval and its live-reload socket', () => {
    const csp = contentSecurityPolicy({ ...base, development: true });
    expect(csp).toContain("'unsafe-eval'");
    expect(csp).toContain("connect-src 'self' ws:");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  });
});

describe('securityHeaders', () => {
  it('sends the fixed hardening headers on every answer, CSP on pages, no-store on route handlers', () => {
    expect(STATIC_SECURITY_HEADERS).toMatchObject({
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'strict-origin-when-cross-origin',
    });
    expect(STATIC_SECURITY_HEADERS['Permissions-Policy']).toContain('camera=()');
    const api = securityHeaders(base, false);
    expect(api['Content-Security-Policy']).toBeUndefined();
    expect(api['Cache-Control']).toBe('no-store');
    expect(securityHeaders(base, true)['Content-Security-Policy']).toBe(contentSecurityPolicy(base));
  });

  it('adds HSTS only when the public origin is HTTPS', () => {
    expect(securityHeaders(base, true)['Strict-Transport-Security']).toBeUndefined();
    expect(securityHeaders({ ...base, publicOrigin: 'https://todo.example.com' }, true)['Strict-Transport-Security']).toBe(
      'max-age=31536000; includeSubDomains',
    );
  });
});
