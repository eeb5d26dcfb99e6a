// The app as containers, run the way the cluster runs them: PostgreSQL, the two migration
// commands, api and web on a private Docker network, the app containers with read-only root
// filesystems, a numeric non-root user, no capabilities and no privilege escalation. Only the
// web port is published (on loopback). Used by e2e-containers.mjs and bench-images.mjs.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The user both images declare; the cluster's runAsUser/runAsGroup. */
export const APP_USER = '10001:10001';

/** How the chart runs an app container, as `docker run` flags. */
export const HARDENING = [
  '--read-only',
  '--tmpfs', '/tmp:rw,nosuid,nodev,size=64m',
  '--user', APP_USER,
  '--cap-drop', 'ALL',
  '--security-opt', 'no-new-privileges:true',
];

/**
 * Runs docker and returns how it ended, whatever that was.
 * @param {string[]} args
 * @returns {{ status: number | null, stdout: string, stderr: string }}
 */
export function dockerResult(args, timeoutMs = 120_000) {
  const result = spawnSync('docker', args, { encoding: 'utf8', timeout: timeoutMs });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

/**
 * Runs docker and returns its trimmed stdout; throws with the command and its stderr.
 * @param {string[]} args
 * @returns {string}
 */
export function docker(args, timeoutMs = 120_000) {
  const result = dockerResult(args, timeoutMs);
  if (result.status !== 0) throw new Error(`docker ${args.join(' ')} exited ${result.status}:\n${result.stderr || result.stdout}`);
  return result.stdout;
}

/** The image an `nx run <project>:docker-build` wrote to dist/images/<image>.json. */
export function builtImage(image) {
  const file = path.join(root, 'dist/images', `${image}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new Error(`${file} is missing: run \`npm run nx -- run-many -t docker-build -p api web\` first`);
  }
}

/** PostgreSQL's image: TODO_POSTGRES_IMAGE (CI's stand-in), else the official one. */
export const postgresImage = () => process.env.TODO_POSTGRES_IMAGE || 'postgres:15-bookworm';

/** A free TCP port on loopback. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Waits until the container's own HEALTHCHECK reports healthy; returns the milliseconds
 * since `since`. Fails early when the container exits, with its last log lines. */
export async function waitHealthy(name, since, timeoutMs = 90_000) {
  const deadline = since + timeoutMs;
  while (performance.now() < deadline) {
    const [status, health] = docker(['inspect', '-f', '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}', name]).split(' ');
    if (health === 'healthy') return performance.now() - since;
    if (status === 'exited' || status === 'dead') break;
    await sleep(100);
  }
  throw new Error(`${name} did not become healthy:\n${logs(name)}`);
}

/** Waits until `command` (run inside the container) exits 0. */
export async function waitExec(name, command, timeoutMs = 60_000) {
  const deadline = performance.now() + timeoutMs;
  let last;
  while (performance.now() < deadline) {
    last = dockerResult(['exec', name, ...command]);
    if (last.status === 0) return;
    await sleep(250);
  }
  throw new Error(`${name}: ${command.join(' ')} kept failing:\n${last?.stderr}\n${logs(name)}`);
}

export function logs(name, lines = 60) {
  const result = dockerResult(['logs', '--tail', String(lines), name]);
  return `--- ${name} (last ${lines} lines)\n${result.stdout}\n${result.stderr}`;
}

/** Python's and Node's one-line HTTP probes, for containers that have neither curl nor a shell. */
export const probe = {
  api: (pathname) => ['python', '-c', `import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000${pathname}', timeout=4)`],
  web: (pathname) => ['node', '-e', `fetch('http://127.0.0.1:3000${pathname}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`],
};

/**
 * The environment each container gets, as the Helm chart gives it: production settings,
 * secrets from the environment only, the api reached by its Service name.
 */
export function appEnvironment({ databaseUrl, secrets, webOrigin, apiHost }) {
  return {
    api: {
      APP_ENV: 'production',
      DATABASE_URL: databaseUrl,
      JWT_SECRET: secrets.jwt,
      AUTO_MIGRATE: 'false',
      WEB_CONCURRENCY: '1',
      LOG_LEVEL: 'info',
    },
    web: {
      APP_ENV: 'production',
      DATABASE_URL: databaseUrl,
      JWT_SECRET: secrets.jwt,
      BETTER_AUTH_SECRET: secrets.auth,
      BETTER_AUTH_URL: webOrigin,
      BACKEND_URL: `http://${apiHost}:8000`,
    },
  };
}

const envFlags = (env) => Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]);

/** A fresh id for a stack, so runs side by side do not collide. */
export const newStackId = () => randomBytes(3).toString('hex');

/** The names of everything a stack creates: a network and three containers. */
export function stackNames(id) {
  const prefix = `todo-e2e-${id}`;
  return { id, network: prefix, postgres: `${prefix}-postgres`, api: `${prefix}-api`, web: `${prefix}-web` };
}

/**
 * Starts the stack and resolves when api and web are healthy and ready. `extraWebEnv` adds
 * test-only settings. Returns what the tests and the clean-up need.
 */
export async function startStack({ id, extraWebEnv = {}, publishPostgres = false }) {
  const api = builtImage('todo-api');
  const web = builtImage('todo-web');
  const names = stackNames(id);
  const secrets = { jwt: randomBytes(32).toString('base64url'), auth: randomBytes(32).toString('base64url'), postgres: randomBytes(24).toString('hex') };
  const [webPort, apiPort] = [await freePort(), await freePort()];
  const stack = { id, names, images: { api: api.ref, web: web.ref }, secrets, webPort, apiPort, webUrl: `http://127.0.0.1:${webPort}`, timings: {} };

  docker(['network', 'create', '--label', 'todo-e2e', names.network]);
  const databaseUrl = `postgresql://todo:${secrets.postgres}@postgres:5432/todo`;
  const env = appEnvironment({ databaseUrl, secrets, webOrigin: stack.webUrl, apiHost: 'api' });
  stack.env = env;

  // PostgreSQL, on loopback only when a test wants to inspect the database itself.
  const pgPort = publishPostgres ? await freePort() : undefined;
  docker([
    'run', '-d', '--name', names.postgres, '--network', names.network, '--network-alias', 'postgres',
    ...(pgPort ? ['-p', `127.0.0.1:${pgPort}:5432`] : []),
    '-e', 'POSTGRES_USER=todo', '-e', `POSTGRES_PASSWORD=${secrets.postgres}`, '-e', 'POSTGRES_DB=todo',
    postgresImage(),
  ]);
  if (pgPort) stack.databaseUrl = `postgresql://todo:${secrets.postgres}@127.0.0.1:${pgPort}/todo`;
  await waitExec(names.postgres, ['pg_isready', '-h', '127.0.0.1', '-U', 'todo', '-d', 'todo'], 90_000);

  // The migration Job's two commands, in the images the apps run.
  for (const [app, image, command, environment] of [
    ['api', api.ref, ['todo-api', 'migrate'], env.api],
    ['web', web.ref, ['node', 'scripts/migrate.mjs'], env.web],
  ]) {
    const started = performance.now();
    docker(['run', '--rm', '--network', names.network, ...HARDENING, ...envFlags(environment), image, ...command], 180_000);
    stack.timings[`${app} migrate`] = performance.now() - started;
  }

  stack.extraWebEnv = extraWebEnv;
  for (const app of ['api', 'web']) {
    const { healthy, ready } = await runApp(stack, app);
    stack.timings[`${app} healthy`] = healthy;
    stack.timings[`${app} ready`] = ready;
  }
  return stack;
}

/**
 * Starts one app container of the stack (api reachable as `api` on the private network; web
 * published on loopback) and resolves with the milliseconds until its own HEALTHCHECK said
 * healthy and until it was ready (/readyz, asked from inside: the api is not published). The
 * images check every 30 s; here every second, to see start-up closely.
 *
 * `timeFromHost` (benchmarks): the api is published on loopback too, no health-check
 * process runs in the container, and live (/healthz) and ready (/readyz) are timed by
 * polling from here every 25 ms, so the probe does not slow the start it measures.
 */
export async function runApp(stack, app, { timeFromHost = false } = {}) {
  const { names } = stack;
  const port = app === 'api' ? 8000 : 3000;
  const hostPort = app === 'api' ? stack.apiPort : stack.webPort;
  const placement = ['--network', names.network, ...(app === 'api' ? ['--network-alias', 'api'] : [])];
  if (app === 'web' || timeFromHost) placement.push('-p', `127.0.0.1:${hostPort}:${port}`);
  const health = timeFromHost ? ['--no-healthcheck'] : ['--health-interval', '1s', '--health-start-period', '60s'];
  const env = app === 'api' ? stack.env.api : { ...stack.env.web, ...stack.extraWebEnv };
  const paths = app === 'api' ? { live: '/healthz', ready: '/readyz' } : { live: '/api/healthz', ready: '/api/readyz' };
  const started = performance.now();
  docker(['run', '-d', '--name', names[app], ...placement, ...HARDENING, ...health, ...envFlags(env), stack.images[app]]);
  if (timeFromHost) {
    const live = await waitHttp(`http://127.0.0.1:${hostPort}${paths.live}`, names[app], started);
    const ready = await waitHttp(`http://127.0.0.1:${hostPort}${paths.ready}`, names[app], started);
    return { live, ready };
  }
  const healthy = await waitHealthy(names[app], started);
  await waitExec(names[app], probe[app](paths.ready));
  return { healthy, ready: performance.now() - started };
}

/**
 * True when `url` answers 2xx within `timeoutMs`. The abort timer is a referenced one
 * (AbortSignal.timeout's is not): a port that accepts but does not answer yet, as Docker's
 * proxy does while the app starts, would otherwise leave nothing keeping the process alive.
 */
export async function httpOk(url, timeoutMs = 2000) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    return (await fetch(url, { signal: controller.signal })).ok;
  } catch {
    return false; // not listening yet
  } finally {
    clearTimeout(timer);
  }
}

async function waitHttp(url, name, since, timeoutMs = 90_000) {
  while (performance.now() < since + timeoutMs) {
    if (await httpOk(url)) return performance.now() - since;
    await sleep(25);
  }
  throw new Error(`${url} (${name}) did not answer:\n${logs(name)}`);
}

/** Stops the app containers with SIGTERM and reports how each one ended and how fast. */
export function stopGracefully(stack) {
  const results = {};
  for (const name of ['web', 'api']) {
    const started = performance.now();
    docker(['stop', '-t', '30', stack.names[name]], 60_000);
    const exitCode = Number(docker(['inspect', '-f', '{{.State.ExitCode}}', stack.names[name]]));
    results[name] = { exitCode, ms: performance.now() - started };
  }
  return results;
}

/** Removes every container and network the stack created (and their anonymous volumes). */
export function removeStack(names) {
  for (const name of [names.web, names.api, names.postgres]) dockerResult(['rm', '-f', '-v', name]);
  dockerResult(['network', 'rm', names.network]);
}

export function execFile(command, args, options = {}) {
  return execFileSync(command, args, { cwd: root, stdio: 'inherit', ...options });
}
