// Proves compose.yaml works with a Compose implementation from Debian's packages
// (docker-compose 1.29; `COMPOSE=docker compose` uses Compose v2 instead):
//   1. a missing secret stops Compose with a message naming the variable;
//   2. `up`, with the `:dev` images removed first, builds them (BuildKit, as the Dockerfiles
//      need) and brings PostgreSQL, both migrations, api and web up healthy, in dependency
//      order;
//   3. sign-up and a task through the published web port; the api port is not published;
//   4. `down -v` removes everything.
// Secrets are generated for the run and passed in a temporary env file, as a user's `.env`.
//
//   npm run nx -- run infra:compose-check
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CommandError, runCommand } from '@todo/kube';
import { root } from '../workspace';
import { docker } from './docker';
import { freePort, httpOk } from './wait';

const [composeBin = 'docker-compose', ...composeBase] = (process.env['COMPOSE'] || 'docker-compose').split(' ');
const project = `todo-compose-${randomBytes(3).toString('hex')}`;
const dir = mkdtempSync(path.join(tmpdir(), 'compose-check-'));
const envFile = path.join(dir, 'env');

interface ComposeResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs Compose on compose.yaml; `allowFailure` returns a failure instead of throwing it. */
async function compose(args: string[], { env = envFile, allowFailure = false, timeoutMs = 300_000 } = {}): Promise<ComposeResult> {
  const argv = [...composeBase, '--project-name', project, '--env-file', env, '-f', path.join(root, 'compose.yaml'), ...args];
  try {
    return { status: 0, ...(await runCommand(composeBin, argv, {
      cwd: root,
      timeoutMs,
      // Only what Compose needs: a variable in this process's environment would override .env.
      env: {
        PATH: process.env['PATH'],
        HOME: process.env['HOME'],
        ...(process.env['DOCKER_HOST'] ? { DOCKER_HOST: process.env['DOCKER_HOST'] } : {}),
        // docker-compose 1.29 builds with BuildKit only when asked (v2 always does).
        COMPOSE_DOCKER_CLI_BUILD: '1',
        DOCKER_BUILDKIT: '1',
      },
    })) };
  } catch (err) {
    if (!(err instanceof CommandError)) throw err;
    if (err.exitCode === null && /ENOENT/.test(err.stderr)) throw new Error(`${composeBin} could not run; on Debian: apt-get install docker-compose`);
    if (!allowFailure) throw err;
    return { status: err.exitCode, stdout: err.stdout, stderr: err.stderr };
  }
}

function check(name: string, ok: boolean, detail = ''): void {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` (${detail})` : ''}`);
  if (!ok) process.exitCode = 1;
}

async function main(): Promise<void> {
  const port = await freePort();
  // BETTER_AUTH_URL: the public origin, the one Better Auth accepts sign-ins from.
  const publicOrigin = `http://localhost:${port}`;
  const jwtSecret = randomBytes(32).toString('base64url');
  const authSecret = randomBytes(32).toString('base64url');
  const postgresPassword = randomBytes(24).toString('hex');
  const settings: Record<string, string> = {
    JWT_SECRET: jwtSecret,
    BETTER_AUTH_SECRET: authSecret,
    POSTGRES_PASSWORD: postgresPassword,
    TODO_WEB_PORT: String(port),
    ...(process.env['TODO_PYTHON_IMAGE'] ? { TODO_PYTHON_IMAGE: process.env['TODO_PYTHON_IMAGE'] } : {}),
    ...(process.env['TODO_NODE_IMAGE'] ? { TODO_NODE_IMAGE: process.env['TODO_NODE_IMAGE'] } : {}),
    BETTER_AUTH_URL: publicOrigin,
    ...(process.env['TODO_POSTGRES_IMAGE'] ? { TODO_POSTGRES_IMAGE: process.env['TODO_POSTGRES_IMAGE'] } : {}),
  };
  const toEnvFile = (values: Record<string, string>) => Object.entries(values).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
  writeFileSync(envFile, toEnvFile(settings));

  try {
    console.log(`== ${composeBin} ${composeBase.join(' ')} ${(await compose(['version'], { allowFailure: true })).stdout.split('\n')[0]}`);

    // 1. A missing secret is named before anything starts.
    const { JWT_SECRET: _unset, ...withoutJwt } = settings;
    const incomplete = path.join(dir, 'env-incomplete');
    writeFileSync(incomplete, toEnvFile(withoutJwt));
    const refused = await compose(['config', '--quiet'], { env: incomplete, allowFailure: true });
    check('a missing JWT_SECRET stops Compose, naming it', refused.status !== 0 && /JWT_SECRET/.test(refused.stderr), refused.stderr.trim().split('\n').at(-1));
    await compose(['config', '--quiet']);

    // 2. Up from nothing: without the :dev images Compose must build them, not pull them.
    for (const image of ['todo-api:dev', 'todo-web:dev']) await docker.attempt(['image', 'rm', image]);
    const started = performance.now();
    await compose(['up', '-d'], { timeoutMs: 900_000 });
    for (const image of ['todo-api:dev', 'todo-web:dev']) {
      check(`${image} was built by Compose`, await docker.imageExists(image));
    }
    const origin = `http://127.0.0.1:${port}`;
    const deadline = performance.now() + 180_000;
    const healthy = (states: string, service: string) => new RegExp(`${service}[-_]1\\s.*\\(healthy\\)`).test(states);
    let ready = false;
    let states = '';
    while (performance.now() < deadline) {
      ready = await httpOk(`${origin}/api/readyz`);
      states = (await compose(['ps'])).stdout;
      if (ready && ['postgres', 'api', 'web'].every((service) => healthy(states, service))) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    check('web is ready through the published port', ready, `${Math.round(performance.now() - started)} ms after up`);
    for (const service of ['postgres', 'api', 'web']) check(`${service} is up and healthy`, healthy(states, service));
    for (const job of ['api-migrate', 'web-migrate']) {
      check(`${job} ran to success`, new RegExp(`${job}[-_]1.*Exit(ed)? \\(?0\\)?`).test(states));
    }

    // 3. A user's first minute, through web only.
    const headers = { 'content-type': 'application/json', origin: publicOrigin };
    const signUp = await fetch(`${origin}/api/auth/sign-up/email`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ email: `compose-${Date.now()}@example.com`, password: 'compose-check-pw', name: 'Compose' }),
    });
    const cookie = (signUp.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
    check('sign-up through web', signUp.ok && cookie.length > 0, `HTTP ${signUp.status}`);
    const created = await fetch(`${origin}/api/tasks`, { method: 'POST', headers: { ...headers, cookie }, body: JSON.stringify({ title: 'Made with compose' }) });
    const listed = (await (await fetch(`${origin}/api/tasks`, { headers: { cookie } })).json()) as { title: string }[];
    check('a task is created and listed', created.status === 201 && listed.some((t) => t.title === 'Made with compose'), `HTTP ${created.status}`);

    const apiContainer = (await compose(['ps', '-q', 'api'])).stdout.trim();
    const apiPorts = JSON.parse(await docker.inspect(apiContainer, '{{json .NetworkSettings.Ports}}')) as Record<string, unknown[] | null> | null;
    check('api port is not published', Object.values(apiPorts ?? {}).every((b) => !b || b.length === 0), JSON.stringify(apiPorts));
  } catch (error) {
    process.exitCode = 1;
    console.error(error instanceof Error ? error.message : error);
    console.error((await compose(['logs', '--tail', '40'], { allowFailure: true })).stdout);
  } finally {
    // 4. Nothing left behind.
    await compose(['down', '-v', '--remove-orphans'], { allowFailure: true });
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(process.exitCode ? '\ncompose-check: FAILED' : '\ncompose-check: passed');
}

void main();
