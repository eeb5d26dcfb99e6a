// Two web processes (two replicas) on one PostgreSQL share the per-account count: guesses
// alternated between them are stopped at the same limit. Starts its own second server from the
// local build, so it is not run against the images (playwright.config.ts).
import { clientAddress, expect, test } from './fixtures';
import { client, guess, LIMIT, signUpBy } from './helpers';
import { launch, readState, stopLaunched, waitForHttp, webSpec } from './stack';

test('two web processes on one database share one count', async ({ playwright, baseURL }) => {
  const state = readState();
  const spec = webSpec(3960, state.apiUrl, {
    APP_ENV: 'production',
    DATABASE_URL: state.databaseUrl,
    JWT_SECRET: state.secrets.jwt,
    BETTER_AUTH_SECRET: state.secrets.auth,
  });
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

