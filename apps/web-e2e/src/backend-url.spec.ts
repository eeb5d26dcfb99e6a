// One production build, two environments: the backend URL is read at run time, never
// inlined at build time (PITFALLS: NEXT_PUBLIC_* and rewrites are frozen by `next build`).
import { expect, test } from './fixtures';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PASSWORD, newEmail } from './helpers';
import { launch, waitForHttp, webSpec } from './stack';

function fakeBackend(name: string): Promise<{ server: Server; url: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url} ${req.headers.authorization ? 'with-token' : 'no-token'}`);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify([{ id: 1, title: `from ${name}` }]));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, hits, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })),
  );
}

test('one build serves two backend URLs given only different environments', async ({ playwright }) => {
  const backends = [await fakeBackend('one'), await fakeBackend('two')];
  const pids: number[] = [];
  try {
    for (const [index, backend] of backends.entries()) {
      const port = 3950 + index;
      // Production settings; the only differences are the port and the backend URL.
      // The newest variable name on one, the seed's NEXT_PUBLIC_ alias on the other.
      const urlVariable: Record<string, string> =
        index === 0 ? { BACKEND_URL: backend.url } : { NEXT_PUBLIC_BACKEND_URL: backend.url };
      const spec = webSpec(port, '', {
        APP_ENV: 'production',
        JWT_SECRET: 'j'.repeat(40),
        BETTER_AUTH_SECRET: 'b'.repeat(40),
        AUTH_SQLITE_PATH: path.join(mkdtempSync(path.join(tmpdir(), 'e2e-auth-')), 'auth.sqlite3'),
        AUTH_AUTO_MIGRATE: 'true',
        ...urlVariable,
      });
      delete spec.env.BACKEND_URL;
      Object.assign(spec.env, urlVariable);
      pids.push(launch(spec).pid!);
      const origin = `http://127.0.0.1:${port}`;
      await waitForHttp(`${origin}/api/healthz`, 60_000, spec.log);

      const request = await playwright.request.newContext({ baseURL: origin, extraHTTPHeaders: { Origin: origin } });
      const signUp = await request.post('/api/auth/sign-up/email', { data: { email: newEmail('url'), password: PASSWORD, name: 'U' } });
      expect(signUp.ok()).toBeTruthy();
      const tasks = await request.get('/api/tasks');
      expect(await tasks.json()).toEqual([{ id: 1, title: `from ${index === 0 ? 'one' : 'two'}` }]);
      await request.dispose();
    }
    expect(backends[0]!.hits).toHaveLength(1);
    expect(backends[1]!.hits).toHaveLength(1);
    expect(backends[0]!.hits[0]).toMatch(/^GET \/api\/[^/]+\/tasks with-token$/);
  } finally {
    for (const pid of pids) {
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        // gone
      }
    }
    for (const backend of backends) backend.server.close();
  }
});
