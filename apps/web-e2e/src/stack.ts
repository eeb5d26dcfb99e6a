// The stack under test, as real processes: PostgreSQL, the API and the production web build.
// global-setup starts it and writes its state to a file; tests read that file to find the
// URLs and to stop or restart the API; global-teardown stops everything.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Docker, ensurePinnedKubectl, Kubectl, runCommand } from '@todo/kube';

export const root = path.resolve(__dirname, '../../..');
const reports = path.join(root, 'reports/apps/web-e2e');
const python = path.join(root, '.venv/bin/python');
const standaloneServer = path.join(root, 'apps/web/.next/standalone/apps/web/server.js');
// E2E_STACK_STATE: a stack someone else started (infra/src/containers/e2e-containers.ts runs
// the suite against the images that way); otherwise this file starts processes itself.
const attached = process.env.E2E_STACK_STATE;
const stateFile = attached ?? path.join(tmpdir(), `todo-e2e-stack-${process.env.E2E_WEB_PORT ?? '3901'}.json`);

export interface ProcessSpec {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  log: string;
}

export interface StackState {
  webUrl: string;
  apiUrl: string;
  databaseUrl: string;
  secrets: { jwt: string; auth: string };
  pids: Record<string, number>;
  specs: Record<string, ProcessSpec>;
  /** Container names when the stack runs as containers (the api is not reachable from here). */
  containers?: { api: string; web: string; webImage: string };
  /** When the stack is a Helm release on a cluster (infra:e2e-cluster): how to stop and start its api. */
  kubernetes?: KubernetesTarget;
}

export interface KubernetesTarget {
  kubeconfig: string;
  context: string;
  namespace: string;
  /** the api Deployment's name, and the label selector of its pods */
  apiDeployment: string;
  apiSelector: string;
  /** replicas to restore after an outage test */
  apiReplicas: number;
  webImage: string;
}

/**
 * The header the stack's web servers trust as their proxy's client address
 * (TRUSTED_PROXY_HEADER): each test sends its own (fixtures.ts), so the limits stay on.
 */
export const E2E_CLIENT_ADDRESS_HEADER = 'x-e2e-client-address';

export const ports = {
  web: Number(process.env.E2E_WEB_PORT ?? 3901),
  api: Number(process.env.E2E_API_PORT ?? 8901),
  postgres: Number(process.env.E2E_PG_PORT ?? 5901),
};

export function readState(): StackState {
  return JSON.parse(readFileSync(stateFile, 'utf8')) as StackState;
}

function writeState(state: StackState): void {
  writeFileSync(stateFile, JSON.stringify(state, null, 2));
}

/** Starts a long-running process detached (its own group), logging to a fresh file (or
 * appending, for a restart). Not @todo/kube's runner: that one waits for the process. */
export function launch(spec: ProcessSpec, append = false): ChildProcess {
  mkdirSync(path.dirname(spec.log), { recursive: true });
  const out = openSync(spec.log, append ? 'a' : 'w');
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env },
    stdio: ['ignore', out, out],
    detached: true,
  });
  closeSync(out);
  child.unref();
  return child;
}

export async function waitForHttp(url: string, timeoutMs = 60_000, log?: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const tail = log && existsSync(log) ? readFileSync(log, 'utf8').slice(-3000) : '';
  throw new Error(`${url} did not answer within ${timeoutMs} ms\n${tail}`);
}

/** A one-off command (a migration); a failure is a CommandError quoting it and its last line. */
export async function run(command: string, args: string[], cwd: string, env: Record<string, string>): Promise<void> {
  await runCommand(command, args, { cwd, env: { ...process.env, ...env }, timeoutMs: 120_000 });
}

/** An ephemeral PostgreSQL on `port` (or TEST_DATABASE_URL's); its pid and spec go into `state`. */
export async function startPostgres(state: Partial<StackState>, port = ports.postgres, log = path.join(reports, 'postgres.log')): Promise<string> {
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL;
  const spec: ProcessSpec = {
    command: python,
    args: ['-m', 'devtools.postgres', '--ephemeral', '--port', String(port)],
    cwd: path.join(root, 'apps/api'),
    env: {},
    log,
  };
  const child = launch(spec);
  state.pids!.postgres = child.pid!;
  state.specs!.postgres = spec;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (existsSync(spec.log) && readFileSync(spec.log, 'utf8').includes('DATABASE_URL=')) {
      return `postgresql://postgres@127.0.0.1:${port}/postgres`;
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`PostgreSQL did not start:\n${existsSync(spec.log) ? readFileSync(spec.log, 'utf8') : ''}`);
}

export function apiSpec(databaseUrl: string, jwtSecret: string, port = ports.api): ProcessSpec {
  return {
    command: path.join(root, '.venv/bin/todo-api'),
    args: ['serve', '--host', '127.0.0.1', '--port', String(port), '--workers', '1'],
    cwd: path.join(root, 'apps/api'),
    // METRICS_PORT: beside the API's port, clear of a development API's default (9464).
    env: { APP_ENV: 'production', DATABASE_URL: databaseUrl, JWT_SECRET: jwtSecret, METRICS_PORT: String(port + 1000) },
    log: path.join(reports, port === ports.api ? 'api.log' : `api-${port}.log`),
  };
}

/** A production web server (this workspace's build, or `server`: another standalone server.js). */
export function webSpec(port: number, backendUrl: string, extra: Record<string, string>, server = standaloneServer, nodeOptions: string[] = []): ProcessSpec {
  return {
    command: process.execPath,
    args: [...nodeOptions, server],
    cwd: path.dirname(server),
    env: {
      PORT: String(port),
      HOSTNAME: '127.0.0.1',
      BACKEND_URL: backendUrl,
      BETTER_AUTH_URL: `http://127.0.0.1:${port}`,
      TRUSTED_PROXY_HEADER: E2E_CLIENT_ADDRESS_HEADER,
      METRICS_PORT: String(port + 1000), // several web servers run at once here
      ...extra,
    },
    log: path.join(reports, `web-${port}.log`),
  };
}

/** The stack to test: started here, or (E2E_STACK_STATE) already running and checked ready. */
export async function startStack(): Promise<StackState> {
  if (attached) {
    const state = readState();
    await waitForHttp(`${state.webUrl}/api/readyz`, 60_000);
    return state;
  }
  if (!existsSync(standaloneServer)) throw new Error('no production build: run `npm run nx -- run web:build` first');
  const state: Partial<StackState> = { pids: {}, specs: {} };
  writeState(state as StackState); // so teardown can clean up even if start-up fails
  try {
    const databaseUrl = await startPostgres(state);
    const secrets = { jwt: randomBytes(32).toString('base64url'), auth: randomBytes(32).toString('base64url') };
    Object.assign(state, { databaseUrl, secrets, apiUrl: `http://127.0.0.1:${ports.api}`, webUrl: `http://127.0.0.1:${ports.web}` });

    await run(path.join(root, '.venv/bin/todo-api'), ['migrate'], path.join(root, 'apps/api'), { APP_ENV: 'test', DATABASE_URL: databaseUrl });
    await run(process.execPath, [path.join(root, 'apps/web/scripts/migrate.mjs')], root, { DATABASE_URL: databaseUrl });

    const api = apiSpec(databaseUrl, secrets.jwt);
    state.pids!.api = launch(api).pid!;
    state.specs!.api = api;
    const web = webSpec(ports.web, state.apiUrl!, {
      APP_ENV: 'production',
      DATABASE_URL: databaseUrl,
      JWT_SECRET: secrets.jwt,
      BETTER_AUTH_SECRET: secrets.auth,
    });
    state.pids!.web = launch(web).pid!;
    state.specs!.web = web;
    writeState(state as StackState);
    await waitForHttp(`${state.apiUrl}/readyz`, 60_000, api.log);
    await waitForHttp(`${state.webUrl}/api/readyz`, 60_000, web.log); // database up and migrated
    return state as StackState;
  } finally {
    writeState(state as StackState);
  }
}

function stopPid(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGTERM'); // the whole process group
  } catch {
    // already gone
  }
}

async function waitGone(pid: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // gone
  }
}

/** Stops a process started by launch() (its whole group) and waits until it is gone. */
export async function stopLaunched(pid: number | undefined): Promise<void> {
  stopPid(pid);
  if (pid) await waitGone(pid);
}

export async function stopStack(): Promise<void> {
  if (attached || !existsSync(stateFile)) return; // whoever started it stops it
  const state = readState();
  for (const name of ['web', 'api', 'postgres']) {
    const pid = state.pids?.[name];
    stopPid(pid);
    if (pid) await waitGone(pid);
  }
}

const docker = new Docker();

/** Waits until the api container answers /readyz (asked from inside it: it is not published). */
async function waitApiContainerReady(name: string, timeoutMs = 60_000): Promise<void> {
  const probe = "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4)";
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ready = await docker.exec(name, ['python', '-c', probe], { timeoutMs: 10_000 }).then((o) => o.ok, () => false);
    if (ready) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the api container ${name} was not ready within ${timeoutMs} ms`);
}

/** kubectl (the workspace's pinned one) against the release's cluster. */
async function kubectlFor(target: KubernetesTarget): Promise<Kubectl> {
  const env = { ...process.env, KUBECTL_BIN: await ensurePinnedKubectl(root) };
  return Kubectl.create({ kubeconfig: target.kubeconfig, context: target.context, env, requestTimeout: '30s' });
}

/** Waits until the api Service's ready endpoint count passes the check. */
async function waitEndpoints(kubectl: Kubectl, k: KubernetesTarget, ok: (ready: number) => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const list = await kubectl.json<{ items: { endpoints?: { conditions?: { ready?: boolean } }[] }[] }>([
      '-n', k.namespace, 'get', 'endpointslices', '-l', `kubernetes.io/service-name=${k.apiDeployment}`, '-o', 'json',
    ]);
    const ready = list.items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready).length;
    if (ok(ready)) return;
    if (Date.now() > deadline) throw new Error(`the api Service still has ${ready} ready endpoints`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Stops the API process or container, or scales its Deployment to zero (as an outage would), and waits until it is gone. */
export async function stopApi(): Promise<void> {
  const state = readState();
  if (state.kubernetes) {
    const k = state.kubernetes;
    const kubectl = await kubectlFor(k);
    await kubectl.run(['-n', k.namespace, 'scale', `deployment/${k.apiDeployment}`, '--replicas=0']);
    await kubectl.run(['-n', k.namespace, 'wait', '--for=delete', 'pod', '-l', k.apiSelector, '--timeout=90s']);
    // Gone from the Service too, and a moment for kube-proxy to drop its rules.
    await waitEndpoints(kubectl, k, (ready) => ready === 0);
    await new Promise((r) => setTimeout(r, 2000));
    return;
  }
  if (state.containers) {
    await docker.stop(state.containers.api, 30, { timeoutMs: 60_000 });
    return;
  }
  const pid = state.pids.api;
  stopPid(pid);
  if (pid) await waitGone(pid);
}

/** Starts the API again with the same settings and waits until it is ready. */
export async function startApi(): Promise<void> {
  const state = readState();
  if (state.kubernetes) {
    const k = state.kubernetes;
    const kubectl = await kubectlFor(k);
    await kubectl.run(['-n', k.namespace, 'scale', `deployment/${k.apiDeployment}`, `--replicas=${k.apiReplicas}`]);
    await kubectl.run(['-n', k.namespace, 'rollout', 'status', `deployment/${k.apiDeployment}`, '--timeout=120s']);
    await waitEndpoints(kubectl, k, (ready) => ready > 0);
    return;
  }
  if (state.containers) {
    await docker.start(state.containers.api, { timeoutMs: 60_000 });
    await waitApiContainerReady(state.containers.api);
    return;
  }
  state.pids.api = launch(state.specs.api!, true).pid!;
  writeState(state);
  await waitForHttp(`${state.apiUrl}/readyz`, 60_000, state.specs.api!.log);
}
