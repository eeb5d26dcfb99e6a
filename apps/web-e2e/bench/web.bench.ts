import { test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeSection } from '@todo/tools/bench/report';
import { mintApiToken } from '@todo/web/lib/server/token';
import { PASSWORD, newEmail } from '../src/helpers';
import { readState, root } from '../src/stack';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);

interface LoadResult {
  requests_per_second: number;
  errors: number;
  overall: { p50_ms: number; p95_ms: number; p99_ms: number; count: number };
}

function load(name: string, baseUrl: string, request: { method: string; path: string; headers: Record<string, string> }): LoadResult {
  const dir = mkdtempSync(path.join(tmpdir(), 'web-bench-'));
  const plan = path.join(dir, 'plan.json');
  writeFileSync(plan, JSON.stringify({ baseUrl, connections: CONNECTIONS, seconds: SECONDS, warmupSeconds: 3, mix: { [name]: 1 }, requests: { [name]: request } }));
  const out = execFileSync(path.join(root, 'node_modules/.bin/tsx'), [path.join(root, 'tools/bench/http-load.ts'), '--plan', plan], { encoding: 'utf8', timeout: (SECONDS + 120) * 1000 });
  return JSON.parse(out) as LoadResult;
}

test('web: first-load JavaScript, tasks page and proxy throughput', async ({ playwright }) => {
  const state = readState();
  const origin = state.webUrl;
  const http = await playwright.request.newContext({ baseURL: origin, extraHTTPHeaders: { Origin: origin } });
  const signUp = await http.post('/api/auth/sign-up/email', { data: { email: newEmail('bench'), password: PASSWORD, name: 'Bench' } });
  const { user } = (await signUp.json()) as { user: { id: string } };
  for (let i = 0; i < 20; i++) await http.post('/api/tasks', { data: { title: `Benchmark task ${i}`, description: 'seeded' } });
  const cookie = (await http.storageState()).cookies.map((c) => `${c.name}=${c.value}`).join('; ');

  // First-load JavaScript of the tasks page: every script the server-rendered HTML makes a
  // current browser load (`nomodule` polyfills are skipped by every module-capable browser).
  const html = await (await http.get('/')).text();
  const tags = [...html.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0]).filter((tag) => !/\bnomodule\b/i.test(tag));
  const scripts = [...new Set(tags.map((tag) => /\bsrc="([^"]+\.js)"/.exec(tag)?.[1]).filter((src): src is string => Boolean(src)))];
  let raw = 0;
  let gzip = 0;
  for (const src of scripts) {
    const body = await (await http.get(src)).body();
    raw += body.length;
    gzip += gzipSync(body, { level: 9 }).length;
  }
  await http.dispose();

  const token = mintApiToken(user.id, state.secrets.jwt, 3600);
  const runs: [string, LoadResult][] = [
    ['tasks page (SSR, signed in) GET /', load('page', origin, { method: 'GET', path: '/', headers: { cookie } })],
    ['proxied list GET /api/tasks (web → api)', load('proxy', origin, { method: 'GET', path: '/api/tasks', headers: { cookie } })],
    [
      'direct list GET /api/{user}/tasks (api only)',
      load('direct', state.apiUrl, { method: 'GET', path: `/api/${user.id}/tasks`, headers: { authorization: `Bearer ${token}` } }),
    ],
  ];

  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
  const [, proxy] = runs[1]!;
  const [, direct] = runs[2]!;
  const lines = [
    `- Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpus().length} cores; the load generator, web, api and PostgreSQL share them.`,
    `- Production build (\`next build\`, standalone server), one web process, the API with 1 worker on PostgreSQL; ${CONNECTIONS} connections, ${SECONDS} s per run after a 3 s warm-up; 20 tasks in the list.`,
    `- First-load JavaScript of the tasks page: **${kb(gzip)} gzip** (${kb(raw)} raw, ${scripts.length} scripts). Goal: ≤ 150 kB gzip.`,
    '',
    '| run | req/s | errors | p50 ms | p95 ms | p99 ms |',
    '|---|---:|---:|---:|---:|---:|',
    ...runs.map(([name, r]) => `| ${name} | ${r.requests_per_second} | ${r.errors} | ${r.overall.p50_ms} | ${r.overall.p95_ms} | ${r.overall.p99_ms} |`),
    '',
    `Proxy cost, same run: the proxied list's p50 is **${(proxy.overall.p50_ms / direct.overall.p50_ms).toFixed(1)}×** and its p95 **${(proxy.overall.p95_ms / direct.overall.p95_ms).toFixed(1)}×** the direct call's; throughput ${(proxy.requests_per_second / direct.requests_per_second).toFixed(2)}× of direct.`,
  ];
  const report = lines.join('\n');
  console.log(`\n${report}\n`);
  if (!process.env.BENCH_NO_WRITE) {
    writeSection('web-bench', 'Web (`nx run web:bench`)', report);
  }
});
