// The web server's Prometheus metrics (prom-client), served on their own port (METRICS_PORT),
// never on the public one. One registry per process, kept on globalThis: Next bundles route
// handlers and instrumentation separately, and they must count into the same metrics.
import { createServer, type Server } from 'node:http';
import client from 'prom-client';
import { METRICS_SERVERS } from './request-trail';

export interface WebMetrics {
  registry: client.Registry;
  /** Browser calls proxied to the API, by route pattern, method and status. */
  proxy: client.Histogram<'route' | 'method' | 'status'>;
  /** Password sign-ins and sign-ups by outcome. */
  auth: client.Counter<'action' | 'outcome'>;
}

const KEY = Symbol.for('todo.web.metrics');

function create(): WebMetrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'todo_web_' });
  const proxy = new client.Histogram({
    name: 'todo_web_proxy_request_duration_seconds',
    help: 'Browser calls proxied to the API: time until the answer, by route pattern, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const auth = new client.Counter({
    name: 'todo_web_auth_attempts_total',
    help: 'Password sign-ins and sign-ups, by action (sign_in, sign_up) and outcome (success, refused, throttled, error)',
    labelNames: ['action', 'outcome'] as const,
    registers: [registry],
  });
  const info = new client.Gauge({ name: 'todo_web_build_info', help: 'Always 1; the labels say what runs', labelNames: ['version', 'node'] as const, registers: [registry] });
  info.set({ version: process.env.TODO_WEB_VERSION ?? 'unknown', node: process.versions.node }, 1);
  return { registry, proxy, auth };
}

export function webMetrics(): WebMetrics {
  const global = globalThis as { [KEY]?: WebMetrics };
  global[KEY] ??= create();
  return global[KEY];
}

/** success / refused (4xx) / throttled (429) / error (5xx) for an auth answer's status. */
export function authOutcome(status: number): 'success' | 'refused' | 'throttled' | 'error' {
  if (status < 400) return 'success';
  if (status === 429) return 'throttled';
  return status < 500 ? 'refused' : 'error';
}

/** Serves GET /metrics on `port` (0: not at all). A port in use is logged, not fatal. */
export function serveMetrics(port: number, host: string): Server | undefined {
  if (!port) return undefined;
  const { registry } = webMetrics();
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics here\n');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(error)}\n`),
    );
  });
  METRICS_SERVERS.add(server);
  server.on('error', (error) =>
    console.error(JSON.stringify({ level: 'error', logger: 'web.metrics', msg: `metrics not served on port ${port}: ${error.message}` })),
  );
  server.listen(port, host);
  return server;
}
