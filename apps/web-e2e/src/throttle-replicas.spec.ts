// Two web processes (two replicas) on one PostgreSQL share the per-account count: guesses
// alternated between them are stopped at the same limit. And a process with no trusted proxy
// keys the per-address limit on the connection, whatever headers a client forges. These start
// web servers of their own from the local build, so they do not run against the images
// (playwright.config.ts).
import { clientAddress, expect, test } from './fixtures';
import { client, guess, LIMIT, newEmail, PASSWORD, signUpBy } from './helpers';
import { launch, readState, stopLaunched, waitForHttp, webSpec } from './stack';

/** One more production web server on `port`, on the stack's database and API. */
function anotherWeb(port: number) {
  const state = readState();
  return webSpec(port, state.apiUrl, {
    APP_ENV: 'production',
    DATABASE_URL: state.databaseUrl,
    JWT_SECRET: state.secrets.jwt,
    BETTER_AUTH_SECRET: state.secrets.auth,
  });
}

test('two web processes on one database share one count', async ({ playwright, baseURL }) => {
  const spec = anotherWeb(3960);
  const second = launch(spec);
  try {
    await waitForHttp('http://127.0.0.1:3960/api/readyz', 60_000, spec.log);
    const [one, two] = [await client(playwright.request, baseURL!, clientAddress()), await client(playwright.request, 'http://127.0.0.1:3960', clientAddress())];
    const email = await signUpBy(one);
    for (let i = 0; i < LIMIT; i++) expect((await guess(i % 2 ? one : two, email, i)).status()).toBe(401);
    expect((await guess(one, email, LIMIT)).status()).toBe(429);
    expect((await guess(two, email, LIMIT + 1)).status()).toBe(429);
    await Promise.all([one.dispose(), two.dispose()]);
  } finally {
    await stopLaunched(second.pid);
  }
});

test('with no trusted proxy, a process keys the address limit on the connection, not on forged headers', async ({ playwright }) => {
  // No TRUSTED_PROXY_HEADER: as a release without an Ingress runs.
  const spec = anotherWeb(3961);
  delete spec.env.TRUSTED_PROXY_HEADER;
  const server = launch(spec);
  try {
    await waitForHttp('http://127.0.0.1:3961/api/readyz', 60_000, spec.log);
    const request = await playwright.request.newContext({ baseURL: 'http://127.0.0.1:3961', extraHTTPHeaders: { Origin: 'http://127.0.0.1:3961' } });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const forged = { 'X-Forwarded-For': `203.0.113.${i + 1}`, 'x-todo-peer-address': `198.51.100.${i + 1}`, 'x-real-ip': `192.0.2.${i + 1}` };
      const answer = await request.post('/api/auth/sign-up/email', { data: { email: newEmail('peer'), password: PASSWORD, name: 'Peer' }, headers: forged });
      statuses.push(answer.status());
    }
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    await request.dispose();
  } finally {
    await stopLaunched(server.pid);
  }
});
