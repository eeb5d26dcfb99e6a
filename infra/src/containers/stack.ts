// The app as containers, run the way the Helm chart runs them: PostgreSQL, the migration
// Job's containers, api and web on a private Docker network. Every container's command,
// environment, port, probe paths, user, read-only root, writable volumes and dropped
// capabilities come from the rendered chart (containerSpec() of @todo/chart), and the chart's Service names
// are the network aliases, so a chart that does not fit its images fails here. Only the web
// port is published (on loopback). Used by e2e-containers.ts and bench-images.ts.
import { randomBytes } from 'node:crypto';
import { readImageReport } from '@todo/images';
import { containerSpec, type ChartContainers, type ContainerSpec } from '@todo/chart';
import { root } from '../workspace';
import type { Outcome } from '@todo/kube';
import { docker } from './docker';
import { freePort, waitExec, waitHealthy, waitHttp } from './wait';

export type App = 'api' | 'web';

export interface StackNames {
  id: string;
  network: string;
  volume: string;
  postgres: string;
  api: string;
  web: string;
}

export interface Stack {
  id: string;
  names: StackNames;
  chart: ChartContainers;
  /** Image references by chart repository (todo-api, todo-web), from the docker-build reports. */
  refs: Record<string, string>;
  images: Record<App, string>;
  secrets: { jwt: string; auth: string; postgres: string };
  webPort: number;
  apiPort: number;
  webUrl: string;
  /** Set when PostgreSQL is published on loopback for the tests. */
  databaseUrl?: string;
  extraWebEnv: Record<string, string>;
  timings: Record<string, number>;
}

/** PostgreSQL's image: TODO_POSTGRES_IMAGE (CI's stand-in), else the official one. */
const postgresImage = () => process.env['TODO_POSTGRES_IMAGE'] || 'postgres:15-bookworm';

/**
 * A container spec's security settings as `docker run` flags: the chart's user, read-only
 * root, emptyDir mounts as tmpfs, dropped capabilities, no privilege escalation.
 */
function hardening(spec: ContainerSpec): string[] {
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

const envFlags = (env: Record<string, string>) => Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
const workdir = (spec: ContainerSpec) => (spec.workingDir ? ['--workdir', spec.workingDir] : []);

/** An HTTP probe run inside a container with its own interpreter (no curl, no shell). */
export function probe(app: App, port: number, pathname: string): string[] {
  const url = `http://127.0.0.1:${port}${pathname}`;
  return app === 'api'
    ? ['python', '-c', `import urllib.request; urllib.request.urlopen('${url}', timeout=4)`]
    : ['node', '-e', `fetch('${url}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`];
}

/** A fresh id for a stack, so runs side by side do not collide. */
export const newStackId = () => randomBytes(3).toString('hex');

/** The names of everything a stack creates: a network, a volume and three containers. */
export function stackNames(id: string): StackNames {
  const prefix = `todo-e2e-${id}`;
  return { id, network: prefix, volume: `${prefix}-pgdata`, postgres: `${prefix}-postgres`, api: `${prefix}-api`, web: `${prefix}-web` };
}

/** The image built here that a chart container runs (by repository). */
function imageFor(refs: Record<string, string>, spec: ContainerSpec): string {
  const ref = refs[spec.repository];
  if (!ref) throw new Error(`the chart runs ${spec.repository}, which is neither image built here`);
  return ref;
}

/** Runs one of the chart's `helm test` pods against the stack, as `helm test` would. */
export function runChartTest(stack: Stack, name: string): Promise<Outcome> {
  const spec = stack.chart.tests[name];
  if (!spec) throw new Error(`the chart has no test pod ${name}`);
  const args = ['run', '--rm', '--network', stack.names.network, ...hardening(spec), ...workdir(spec), ...envFlags(spec.env), imageFor(stack.refs, spec), ...spec.command];
  return docker.attempt(args, { timeoutMs: 120_000 });
}

export interface StackOptions {
  id: string;
  /** Test-only settings for web. */
  extraWebEnv?: Record<string, string>;
  /** Publish PostgreSQL on loopback (for tests that inspect the database). */
  publishPostgres?: boolean;
}

/** Starts the stack and resolves when api and web are healthy and ready. */
export async function startStack({ id, extraWebEnv = {}, publishPostgres = false }: StackOptions): Promise<Stack> {
  const names = stackNames(id);
  const secrets = { jwt: randomBytes(32).toString('base64url'), auth: randomBytes(32).toString('base64url'), postgres: randomBytes(24).toString('hex') };
  const [webPort, apiPort] = [await freePort(), await freePort()];
  const webUrl = `http://127.0.0.1:${webPort}`;
  const chart = await containerSpec({ webOrigin: webUrl, secrets });
  const refs = { 'todo-api': readImageReport(root, 'todo-api').ref, 'todo-web': readImageReport(root, 'todo-web').ref };
  const images = { api: imageFor(refs, chart.api), web: imageFor(refs, chart.web) };
  const stack: Stack = { id, names, chart, refs, images, secrets, webPort, apiPort, webUrl, extraWebEnv, timings: {} };

  await docker.networkCreate(names.network, ['todo-e2e']);

  await startPostgres(stack, publishPostgres);
  await runMigrations(stack);

  for (const app of ['api', 'web'] as const) {
    const { live, ready } = await runApp(stack, app);
    stack.timings[`${app} healthy`] = live;
    stack.timings[`${app} ready`] = ready;
  }
  return stack;
}

/**
 * PostgreSQL under its Service name, hardened as the chart runs it, its data on a fresh
 * volume (the PVC) that a root helper first gives to its user (what fsGroup does in a pod).
 * On loopback only when a test inspects the database.
 */
export async function startPostgres(stack: Stack, publishPostgres = false): Promise<void> {
  const { names, chart, secrets } = stack;
  const pg = chart.postgresql;
  const dataDir = pg.dataDir ?? '/var/lib/postgresql/data';
  await docker.volumeCreate(names.volume, ['todo-e2e']);
  await docker.runContainer(['--rm', '--user', '0', '-v', `${names.volume}:/data`, '--entrypoint', 'chown', postgresImage(), pg.user, '/data']);
  const pgPort = publishPostgres ? await freePort() : undefined;
  await docker.runContainer([
    '-d', '--name', names.postgres, '--network', names.network, '--network-alias', chart.services.postgresql,
    ...(pgPort ? ['-p', `127.0.0.1:${pgPort}:${pg.port ?? 5432}`] : []),
    ...hardening(pg), '-v', `${names.volume}:${dataDir}`, ...envFlags(pg.env), postgresImage(),
  ]);
  if (pgPort) stack.databaseUrl = `postgresql://${pg.env['POSTGRES_USER']}:${secrets.postgres}@127.0.0.1:${pgPort}/${pg.env['POSTGRES_DB']}`;
  await waitExec(names.postgres, ['pg_isready', '-h', '127.0.0.1', '-U', pg.env['POSTGRES_USER'] ?? '', '-d', pg.env['POSTGRES_DB'] ?? ''], 90_000);
}

/** The migration Job's containers, one after the other, as Kubernetes runs them. */
export async function runMigrations(stack: Stack): Promise<void> {
  for (const spec of stack.chart.migrations) {
    const started = performance.now();
    await docker.runContainer(['--rm', '--network', stack.names.network, ...hardening(spec), ...workdir(spec), ...envFlags(spec.env), imageFor(stack.refs, spec), ...spec.command], { timeoutMs: 180_000 });
    stack.timings[`job: ${spec.command.slice(0, 2).join(' ')}`] = performance.now() - started;
  }
}

/**
 * Starts one app container of the stack as the chart runs it (reachable under its Service
 * name on the private network; web published on loopback) and resolves with the
 * milliseconds until it was live (the image's own HEALTHCHECK said healthy) and until the
 * chart's readiness path answered (asked from inside: the api is not published). The images
 * check every 30 s; here every second, to see start-up closely.
 *
 * `timeFromHost` (benchmarks): the api is published on loopback too, no health-check
 * process runs in the container, and live (/healthz) and ready (/readyz) are timed by
 * polling from here every 25 ms, so the probe does not slow the start it measures.
 */
export async function runApp(stack: Stack, app: App, { timeFromHost = false } = {}): Promise<{ live: number; ready: number }> {
  const { names } = stack;
  const spec = stack.chart[app];
  const port = spec.port ?? (app === 'api' ? 8000 : 3000);
  const hostPort = app === 'api' ? stack.apiPort : stack.webPort;
  const placement = ['--network', names.network, '--network-alias', stack.chart.services[app]];
  if (app === 'web' || timeFromHost) placement.push('-p', `127.0.0.1:${hostPort}:${port}`);
  const health = timeFromHost ? ['--no-healthcheck'] : ['--health-interval', '1s', '--health-start-period', '60s'];
  const env = app === 'web' ? { ...spec.env, ...stack.extraWebEnv } : spec.env;
  const paths = { live: spec.liveness ?? '/', ready: spec.readiness ?? '/' };
  const started = performance.now();
  await docker.runContainer(['-d', '--name', names[app], ...placement, ...hardening(spec), ...health, ...workdir(spec), ...envFlags(env), stack.images[app], ...spec.command]);
  if (timeFromHost) {
    const live = await waitHttp(`http://127.0.0.1:${hostPort}${paths.live}`, names[app], started);
    const ready = await waitHttp(`http://127.0.0.1:${hostPort}${paths.ready}`, names[app], started);
    return { live, ready };
  }
  // The image's own HEALTHCHECK, then the chart's readiness probe path.
  const live = await waitHealthy(names[app], started);
  await waitExec(names[app], probe(app, port, paths.ready));
  return { live, ready: performance.now() - started };
}

/** Stops the app containers with SIGTERM and reports how each one ended and how fast. */
export async function stopGracefully(stack: Stack): Promise<Record<App, { exitCode: number; ms: number }>> {
  const stop = async (app: App) => {
    const started = performance.now();
    await docker.stop(stack.names[app], 30, { timeoutMs: 60_000 });
    const exitCode = Number(await docker.inspect(stack.names[app], '{{.State.ExitCode}}'));
    return { exitCode, ms: performance.now() - started };
  };
  const web = await stop('web');
  return { web, api: await stop('api') };
}

/** Removes every container, network and volume the stack created. */
export async function removeStack(names: StackNames): Promise<void> {
  await docker.rm([names.web, names.api, names.postgres], { force: true, volumes: true });
  await docker.networkRm(names.network);
  await docker.volumeRm(names.volume);
}
