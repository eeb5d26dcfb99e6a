// A small closed-loop HTTP load generator: N connections, each sending its next request as
// soon as the previous one answers, for a fixed time. Requests are drawn from a weighted
// mix. Prints one JSON object: per-kind counts, errors and latency percentiles.
//
//   npx tsx tools/bench/http-load.ts --plan plan.json
//
// plan.json: { "baseUrl": "...", "connections": 32, "seconds": 30, "warmupSeconds": 3,
//   "users": [{ "id": "u1", "token": "...", "taskIds": [1, 2] }],
//   "mix": { "list": 70, "create": 20, "update": 10 } }   kinds: list, create, update, health
// A plan may also name fixed requests, usable in the mix by name:
//   "requests": { "page": { "method": "GET", "path": "/", "headers": { "cookie": "..." } } }
// The "chat" kind posts a chat turn to /api/<user>/chat with a message drawn from
// "chatMessages": [{ "kind": "chat:add", "text": "add milk {n}" }, ...]; {n} becomes a serial
// number and {id} one of the user's taskIds; a user's "conversationId", when given, is
// continued. Each message's kind is reported on its own.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface User {
  id: string;
  token: string;
  taskIds: number[];
  conversationId?: number;
}
interface Req {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  user: User;
}
interface Plan {
  baseUrl: string;
  connections: number;
  seconds: number;
  warmupSeconds?: number;
  users?: User[];
  mix: Record<string, number>;
  requests?: Record<string, { method: string; path: string; headers?: Record<string, string>; body?: string }>;
  chatMessages?: { kind: string; text: string }[];
}

const { values } = parseArgs({ options: { plan: { type: 'string' } } });
if (!values.plan) {
  console.error('usage: http-load.ts --plan plan.json');
  process.exit(2);
}
const plan = JSON.parse(readFileSync(values.plan, 'utf8')) as Plan;
const base = new URL(plan.baseUrl);
const agent = new http.Agent({ keepAlive: true, maxSockets: plan.connections });

const authHeaders = (user: User): Record<string, string> => ({ authorization: `Bearer ${user.token}`, 'content-type': 'application/json' });
const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)] as T;
let serial = 0;

const kinds: Record<string, (user: User) => Req> = {
  health: (user) => ({ kind: 'health', method: 'GET', path: '/healthz', headers: {}, user }),
  list: (user) => ({ kind: 'list', method: 'GET', path: `/api/${user.id}/tasks`, headers: authHeaders(user), user }),
  create: (user) => ({
    kind: 'create',
    method: 'POST',
    path: `/api/${user.id}/tasks`,
    headers: authHeaders(user),
    body: JSON.stringify({ title: `Load task ${serial++}`, description: 'created by the benchmark' }),
    user,
  }),
  // Half toggle completion, half rename: the two write paths of an existing task.
  update: (user) =>
    Math.random() < 0.5
      ? { kind: 'update', method: 'PATCH', path: `/api/${user.id}/tasks/${pick(user.taskIds)}/complete`, headers: authHeaders(user), user }
      : {
          kind: 'update',
          method: 'PUT',
          path: `/api/${user.id}/tasks/${pick(user.taskIds)}`,
          headers: authHeaders(user),
          body: JSON.stringify({ title: `Renamed ${serial++}` }),
          user,
        },
  chat: (user) => {
    const message = pick(plan.chatMessages ?? [{ kind: 'chat', text: 'show my tasks' }]);
    const text = message.text.replaceAll('{n}', String(serial++)).replaceAll('{id}', String(pick(user.taskIds)));
    return {
      kind: message.kind,
      method: 'POST',
      path: `/api/${user.id}/chat`,
      headers: authHeaders(user),
      body: JSON.stringify({ message: text, conversation_id: user.conversationId }),
      user,
    };
  },
};

const mix = Object.entries(plan.mix);
const totalWeight = mix.reduce((sum, [, w]) => sum + Number(w), 0);
function drawKind(): (user: User) => Req {
  let r = Math.random() * totalWeight;
  let chosen = '';
  for (const [kind, weight] of mix) {
    chosen = kind;
    r -= Number(weight);
    if (r < 0) break;
  }
  const fixed = plan.requests?.[chosen];
  const make = fixed ? (user: User): Req => ({ kind: chosen, headers: {}, ...fixed, user }) : kinds[chosen];
  if (!make) throw new Error(`unknown request kind in the plan's mix: ${chosen}`);
  return make;
}

/** Resolves to the response status, 0 when the request failed. */
function send(req: Req): Promise<number> {
  return new Promise((resolve) => {
    const r = http.request(
      { host: base.hostname, port: base.port, method: req.method, path: req.path, headers: req.headers, agent },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    r.on('error', () => resolve(0));
    if (req.body) r.end(req.body);
    else r.end();
  });
}

const results: Record<string, { latencies: number[]; errors: number; statuses: Record<string, number> }> = {};
let recording = false;
let sent = 0; // including warm-up, for per-request server CPU

async function connection(deadline: number): Promise<void> {
  while (performance.now() < deadline) {
    const make = drawKind();
    const req = make(pick(plan.users ?? [{ id: '', token: '', taskIds: [] }]));
    const kind = req.kind;
    const started = performance.now();
    const status = await send(req);
    const elapsed = performance.now() - started;
    sent += 1;
    if (!recording) continue;
    const bucket = (results[kind] ??= { latencies: [], errors: 0, statuses: {} });
    bucket.latencies.push(elapsed);
    bucket.statuses[status] = (bucket.statuses[status] ?? 0) + 1;
    if (status === 0 || status >= 400) bucket.errors += 1;
  }
}

const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
function summarise(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    count: sorted.length,
    p50_ms: round(quantile(sorted, 0.5)),
    p95_ms: round(quantile(sorted, 0.95)),
    p99_ms: round(quantile(sorted, 0.99)),
    max_ms: round(sorted[sorted.length - 1] ?? NaN),
  };
}

async function main(): Promise<void> {
  const warmupEnd = performance.now() + (plan.warmupSeconds ?? 0) * 1000;
  const end = warmupEnd + plan.seconds * 1000;
  const workers = Array.from({ length: plan.connections }, () => connection(end));
  setTimeout(() => (recording = true), Math.max(0, warmupEnd - performance.now()));
  const measuredFrom = warmupEnd;
  await Promise.all(workers);
  const seconds = (performance.now() - measuredFrom) / 1000;
  agent.destroy();

  const all = Object.values(results).flatMap((r) => r.latencies);
  const errors = Object.values(results).reduce((n, r) => n + r.errors, 0);
  const output = {
    connections: plan.connections,
    seconds: Math.round(seconds * 10) / 10,
    requests: all.length,
    requests_including_warmup: sent,
    requests_per_second: Math.round(all.length / seconds),
    errors,
    overall: summarise(all),
    by_kind: Object.fromEntries(
      Object.entries(results).map(([kind, r]) => [kind, { ...summarise(r.latencies), errors: r.errors, statuses: r.statuses }]),
    ),
  };
  console.log(JSON.stringify(output));
}

void main();
