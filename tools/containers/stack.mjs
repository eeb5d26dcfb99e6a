// The app as containers, run the way the Helm chart runs them: PostgreSQL, the migration
// Job's containers, api and web on a private Docker network. Every container's command,
// environment, port, probe paths, user, read-only root, writable volumes and dropped
// capabilities come from the rendered chart (charts/todo-chatbot/src/container-spec.ts), and the
// chart's Service names are the network aliases, so a chart that does not fit its images
// fails here. Only the web port is published (on loopback). Used by e2e-containers.mjs and
// bench-images.mjs.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * @typedef {{ repository: string, command: string[], workingDir?: string, env: Record<string, string>,
 *   port?: number, liveness?: string, readiness?: string, user: string, readOnlyRootFilesystem: boolean,
 *   writable: string[], capDrop: string[], noNewPrivileges: boolean }} ContainerSpec
 * @typedef {{ release: string, services: { api: string, web: string, postgresql: string },
 *   api: ContainerSpec, web: ContainerSpec, migrations: ContainerSpec[], tests: Record<string, ContainerSpec>,
 *   postgresql: ContainerSpec & { dataDir?: string } }} ChartContainers
 */

/**
 * A container spec's security settings as `docker run` flags: the chart's user, read-only
 * root, emptyDir mounts as tmpfs, dropped capabilities, no privilege escalation.
 * @param {ContainerSpec} spec
 */
function hardening(spec) {
  // emptyDir volumes are writable by the pod's user (fsGroup): tmpfs owned by that user.
  const [uid, gid] = spec.user.split(':');
  return [
    '--user', spec.user,
    ...(spec.readOnlyRootFilesystem ? ['--read-only'] : []),
    ...spec.writable.flatMap((dir) => ['--tmpfs', `${dir}:rw,nosuid,nodev,size=64m,uid=${uid},gid=${gid}`]),
    ...spec.capDrop.flatMap((cap) => ['--cap-drop', cap]),
    ...(spec.noNewPrivileges ? ['--security-opt', 'no-new-privileges:true'] : []),
  ];
}

/**
 * The containers as the chart renders them for these secrets and this public origin.
 * @param {{ webOrigin: string, secrets: { jwt: string, auth: string, postgres: string } }} input
 * @returns {ChartContainers}
 */
function chartContainers(input) {
  const result = spawnSync(path.join(root, 'node_modules/.bin/tsx'), ['charts/todo-chatbot/src/container-spec-cli.ts'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, TODO_SPEC_INPUT: JSON.stringify(input) },
  });
  if (result.status !== 0) throw new Error(`rendering the chart's containers failed:\n${result.stderr}`);
  return JSON.parse(result.stdout);
}

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
const postgresImage = () => process.env.TODO_POSTGRES_IMAGE || 'postgres:15-bookworm';

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
async function waitHealthy(name, since, timeoutMs = 90_000) {
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
async function waitExec(name, command, timeoutMs = 60_000) {
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

/**
 * An HTTP probe run inside a container with its own interpreter (no curl, no shell).
 * @param {'api' | 'web'} app
 * @param {number} port
 * @param {string} pathname
 */
export function probe(app, port, pathname) {
  const url = `http://127.0.0.1:${port}${pathname}`;
  return app === 'api'
    ? ['python', '-c', `import urllib.request; urllib.request.urlopen('${url}', timeout=4)`]
    : ['node', '-e', `fetch('${url}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`];
}

const envFlags = (env) => Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]);

/** A fresh id for a stack, so runs side by side do not collide. */
export const newStackId = () => randomBytes(3).toString('hex');

/** The names of everything a stack creates: a network and three containers. */
export function stackNames(id) {
  const prefix = `todo-e2e-${id}`;
  return { id, network: prefix, volume: `${prefix}-pgdata`, postgres: `${prefix}-postgres`, api: `${prefix}-api`, web: `${prefix}-web` };
}

/**
 * The image built here that a chart container runs (by repository).
 * @param {Record<string, string>} refs image references by repository, from the docker-build reports
 * @param {ContainerSpec} spec
 */
function imageFor(refs, spec) {
  const ref = refs[spec.repository];
  if (!ref) throw new Error(`the chart runs ${spec.repository}, which is neither image built here`);
  return ref;
}

/**
 * Runs one of the chart's `helm test` pods against the stack, as `helm test` would, and
 * returns how it ended with its output.
 * @param {any} stack
 * @param {string} name
 */
export function runChartTest(stack, name) {
  const spec = stack.chart.tests[name];
  return dockerResult([
    'run', '--rm', '--network', stack.names.network, ...hardening(spec), ...(spec.workingDir ? ['--workdir', spec.workingDir] : []),
    ...envFlags(spec.env), imageFor(stack.refs, spec), ...spec.command,
  ], 120_000);
}

/**
 * Starts the stack and resolves when api and web are healthy and ready. `extraWebEnv` adds
 * test-only settings. Returns what the tests and the clean-up need.
 */
export async function startStack({ id, extraWebEnv = {}, publishPostgres = false }) {
  const names = stackNames(id);
  const secrets = { jwt: randomBytes(32).toString('base64url'), auth: randomBytes(32).toString('base64url'), postgres: randomBytes(24).toString('hex') };
  const [webPort, apiPort] = [await freePort(), await freePort()];
  const webUrl = `http://127.0.0.1:${webPort}`;
  const chart = chartContainers({ webOrigin: webUrl, secrets });
  /** @type {any} */
  /** @type {Record<string, string>} */
  const refs = { 'todo-api': builtImage('todo-api').ref, 'todo-web': builtImage('todo-web').ref };
  const stack = { id, names, chart, refs, images: { api: imageFor(refs, chart.api), web: imageFor(refs, chart.web) }, secrets, webPort, apiPort, webUrl, extraWebEnv, timings: {} };

  docker(['network', 'create', '--label', 'todo-e2e', names.network]);

  // PostgreSQL under its Service name, hardened as the chart runs it, its data on a volume
  // (the PVC) that a root helper first gives to its user (what fsGroup does in a pod). On
  // loopback only when a test inspects the database.
  const pg = chart.postgresql;
  const [pgUid, pgGid] = pg.user.split(':');
  const dataDir = pg.dataDir ?? '/var/lib/postgresql/data';
  docker(['volume', 'create', '--label', 'todo-e2e', names.volume]);
  docker(['run', '--rm', '--user', '0', '-v', `${names.volume}:/data`, '--entrypoint', 'chown', postgresImage(), `${pgUid}:${pgGid}`, '/data']);
  const pgPort = publishPostgres ? await freePort() : undefined;
  const pgContainerPort = pg.port ?? 5432;
  docker([
    'run', '-d', '--name', names.postgres, '--network', names.network, '--network-alias', chart.services.postgresql,
    ...(pgPort ? ['-p', `127.0.0.1:${pgPort}:${pgContainerPort}`] : []),
    ...hardening(pg), '-v', `${names.volume}:${dataDir}`, ...envFlags(pg.env), postgresImage(),
  ]);
  if (pgPort) stack.databaseUrl = `postgresql://${pg.env.POSTGRES_USER}:${secrets.postgres}@127.0.0.1:${pgPort}/${pg.env.POSTGRES_DB}`;
  await waitExec(names.postgres, ['pg_isready', '-h', '127.0.0.1', '-U', pg.env.POSTGRES_USER ?? '', '-d', pg.env.POSTGRES_DB ?? ''], 90_000);

  // The migration Job's containers, one after the other, as Kubernetes runs them.
  for (const spec of chart.migrations) {
    const started = performance.now();
    docker([
      'run', '--rm', '--network', names.network, ...hardening(spec), ...(spec.workingDir ? ['--workdir', spec.workingDir] : []),
      ...envFlags(spec.env), imageFor(refs, spec), ...spec.command,
    ], 180_000);
    stack.timings[`job: ${spec.command.slice(0, 2).join(' ')}`] = performance.now() - started;
  }

  for (const app of /** @type {const} */ (['api', 'web'])) {
    const { healthy, ready } = await runApp(stack, app);
    stack.timings[`${app} healthy`] = healthy;
    stack.timings[`${app} ready`] = ready;
  }
  return stack;
}

/**
 * Starts one app container of the stack as the chart runs it (reachable under its Service
 * name on the private network; web published on loopback) and resolves with the
 * milliseconds until the image's own HEALTHCHECK said healthy and until the chart's
 * readiness path answered (asked from inside: the api is not published). The images check
 * every 30 s; here every second, to see start-up closely.
 *
 * `timeFromHost` (benchmarks): the api is published on loopback too, no health-check
 * process runs in the container, and live (/healthz) and ready (/readyz) are timed by
 * polling from here every 25 ms, so the probe does not slow the start it measures.
 */
export async function runApp(stack, app, { timeFromHost = false } = {}) {
  const { names } = stack;
  /** @type {ContainerSpec} */
  const spec = stack.chart[app];
  const port = spec.port ?? (app === 'api' ? 8000 : 3000);
  const hostPort = app === 'api' ? stack.apiPort : stack.webPort;
  const placement = ['--network', names.network, '--network-alias', stack.chart.services[app]];
  if (app === 'web' || timeFromHost) placement.push('-p', `127.0.0.1:${hostPort}:${port}`);
  const health = timeFromHost ? ['--no-healthcheck'] : ['--health-interval', '1s', '--health-start-period', '60s'];
  const env = app === 'web' ? { ...spec.env, ...stack.extraWebEnv } : spec.env;
  const paths = { live: spec.liveness ?? '/', ready: spec.readiness ?? '/' };
  const started = performance.now();
  docker([
    'run', '-d', '--name', names[app], ...placement, ...hardening(spec), ...health,
    ...(spec.workingDir ? ['--workdir', spec.workingDir] : []), ...envFlags(env), stack.images[app], ...spec.command,
  ]);
  if (timeFromHost) {
    const live = await waitHttp(`http://127.0.0.1:${hostPort}${paths.live}`, names[app], started);
    const ready = await waitHttp(`http://127.0.0.1:${hostPort}${paths.ready}`, names[app], started);
    return { live, ready };
  }
  // The image's own HEALTHCHECK, then the chart's readiness probe path.
  const healthy = await waitHealthy(names[app], started);
  await waitExec(names[app], probe(app, port, paths.ready));
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
  dockerResult(['volume', 'rm', names.volume]);
}

export function execFile(command, args, options = {}) {
  return execFileSync(command, args, { cwd: root, stdio: 'inherit', ...options });
}
