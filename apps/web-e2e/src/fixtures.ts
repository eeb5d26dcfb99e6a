// The suite's `test`: every spec imports it from here instead of from @playwright/test.
// - Each test is a client of its own: a made-up address in the header the stack's web server
//   trusts as its proxy's (E2E_CLIENT_ADDRESS_HEADER), so the sign-in limits stay on without
//   every test sharing one address's budget.
// - Every page the browser loads must carry the security headers, and the browser must report
//   no Content-Security-Policy violation, from sign-up to chat: a test that saw one fails.
import { type BrowserContext, test as base } from '@playwright/test';
import { randomInt } from 'node:crypto';
import { E2E_CLIENT_ADDRESS_HEADER } from './stack';

export * from '@playwright/test';

/** An address from the benchmarking range 198.18.0.0/15: a label only, never a destination. */
export const clientAddress = () => `198.18.${randomInt(0, 256)}.${randomInt(1, 255)}`;

const REQUIRED_PAGE_HEADERS: Record<string, RegExp> = {
  'content-security-policy': /script-src 'self' 'nonce-[^']+' 'strict-dynamic'.*connect-src 'self'( ws:)?;.*frame-ancestors 'none'/,
  'x-content-type-options': /^nosniff$/,
  'x-frame-options': /^DENY$/,
  'referrer-policy': /^strict-origin-when-cross-origin$/,
  'permissions-policy': /camera=\(\)/,
};

/** Watches one browser context (the default one is watched already; call it for others). */
export function watchContext(context: BrowserContext, into: string[]): void {
  const onPage = (page: import('@playwright/test').Page) => {
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) into.push(`CSP violation on ${page.url()}: ${message.text()}`);
    });
    page.on('response', (response) => {
      // Every page the browser shows, error pages included (a redirect shows nothing itself).
      if (response.request().resourceType() !== 'document' || (response.status() >= 300 && response.status() < 400)) return;
      const headers = response.headers();
      for (const [name, shape] of Object.entries(REQUIRED_PAGE_HEADERS)) {
        if (!shape.test(headers[name] ?? '')) into.push(`${response.url()} lacks ${name} (got ${JSON.stringify(headers[name] ?? null)})`);
      }
      const csp = headers['content-security-policy'] ?? '';
      if (/script-src[^;]*unsafe-inline/.test(csp)) into.push(`${response.url()}: CSP allows inline scripts`);
      // Only `next dev` (its live-reload socket is the tell) may use eval and inline styles.
      const development = /connect-src 'self' ws:/.test(csp);
      if (!development && /unsafe-eval|style-src[^;]*unsafe-inline/.test(csp)) into.push(`${response.url()}: CSP allows eval or inline styles`);
    });
  };
  context.pages().forEach(onPage);
  context.on('page', onPage);
}

/** `pageChecks`: where a test's problems collect; pass it to watchContext for contexts of its own. */
export const test = base.extend<{ pageChecks: string[] }>({
  extraHTTPHeaders: async ({}, use) => use({ [E2E_CLIENT_ADDRESS_HEADER]: clientAddress() }),
  pageChecks: [
    async ({ context }, use) => {
      const seen: string[] = [];
      watchContext(context, seen);
      await use(seen);
      if (seen.length) throw new Error(`the browser saw ${seen.length} security problem(s):\n  ${[...new Set(seen)].join('\n  ')}`);
    },
    { auto: true },
  ],
});
