// `nx run web:bench`: the production web server under load, on the same real stack as the
// browser tests (PostgreSQL, the API, the standalone build), driven by tools/bench/http-load.ts.
// For each run: throughput, latency, and the web server's own CPU per request (utime + stime
// of its process tree from /proc, before and after, divided by every request served, warm-up
// included, as apps/api/bench measures the API) and its resident memory.
//
//   npm run nx -- run web:bench                              this build alone
//   npm run nx -- run web:bench -- --baseline <commit>       and that commit's build, same load, same run
//   npm run nx -- run web:bench -- --baseline <commit> --profile reports/web-profile
//                                                            CPU profiles (node --cpu-prof) of each instead
//
// With --baseline the builds take turns, run after run, so the machine's noise falls on both;
// it prints new/old ratios. No figure fails it: it reports.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { writeSection } from '@todo/tools/bench/report';
import { mintApiToken } from '@todo/web/lib/server/token';
import { apiSpec, launch, root, run, startPostgres, stopLaunched, waitForHttp, webSpec, type StackState } from '../src/stack';
import { commitBuild, workspaceBuild, type WebBuild } from './builds';
import { selfTimeByBucket } from './cpu-profile';
import { treeCpuSeconds, treeMemoryMib } from './process-stats';

const { values: options } = parseArgs({
  options: {
    baseline: { type: 'string' },
    seconds: { type: 'string', default: process.env.BENCH_SECONDS ?? '20' },
    connections: { type: 'string', default: process.env.BENCH_CONNECTIONS ?? '32' },
    rounds: { type: 'string', default: '2' },
    profile: { type: 'string' },
    'no-write': { type: 'boolean', default: Boolean(process.env.BENCH_NO_WRITE) },
  },
});
const SECONDS = Number(options.seconds);
const CONNECTIONS = Number(options.connections);
const ROUNDS = Number(options.rounds);
const WARMUP_SECONDS = 3;
const PASSWORD = 'correct horse battery';
// Clear of the browser suite's ports (3901, 8901, 5901, and 3960/3961), so both can run at once.
const PORTS = { postgres: 5931, api: 8931, web: [3931, 3932] };
const reports = path.join(root, 'reports/apps/web-bench');

type Kind = 'page' | 'proxy' | 'direct';
const KIND_LABEL: Record<Kind, string> = {
  page: 'tasks page (SSR, signed in) GET /',
  proxy: 'proxied list GET /api/tasks (web → api)',
  direct: 'direct list GET /api/{user}/tasks (api only)',
};

interface LoadResult {
  requests: number;
  requests_including_warmup: number;
  requests_per_second: number;
  errors: number;
  overall: { p50_ms: number; p95_ms: number; p99_ms: number; count: number };
}
interface Measured extends LoadResult {
  build: string;
  kind: Kind;
  /** the web server's CPU per request served (null for the direct API run) */
  web_cpu_ms: number | null;
  api_cpu_ms: number;
}

interface Contender extends WebBuild {
  url: string;
  pid: number;
  log: string;
  memory: { before?: { rss: number; peak: number }; after?: { rss: number; peak: number } };
}

function load(name: string, baseUrl: string, request: { method: string; path: string; headers: Record<string, string> }, tmp: string): LoadResult {
  const plan = path.join(tmp, `plan-${randomUUID()}.json`);
  writeFileSync(plan, JSON.stringify({ baseUrl, connections: CONNECTIONS, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, mix: { [name]: 1 }, requests: { [name]: request } }));
  const out = execFileSync(path.join(root, 'node_modules/.bin/tsx'), [path.join(root, 'tools/bench/http-load.ts'), '--plan', plan], {
    encoding: 'utf8',
    timeout: (SECONDS + 120) * 1000,
  });
  return JSON.parse(out) as LoadResult;
}

/** The cookies a set of Set-Cookie headers leave in a browser, as one Cookie header. */
function cookieHeader(setCookies: string[]): string {
  const jar = new Map<string, string>();
  for (const line of setCookies) {
    const [pair] = line.split(';');
    const at = pair!.indexOf('=');
    const name = pair!.slice(0, at).trim();
    const value = pair!.slice(at + 1).trim();
    if (!value || /;\s*max-age=0\b/i.test(line)) jar.delete(name);
    else jar.set(name, value);
  }
  return [...jar].map(([n, v]) => `${n}=${v}`).join('; ');
}

/** A fresh sign-in on `origin`: its cookies, as the browser would send them on every call. */
async function signIn(origin: string, email: string, attempt = 1): Promise<string> {
  let response: Response;
  try {
    response = await fetch(`${origin}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
  } catch (error) {
    // A kept-alive connection the server closed meanwhile: fetch retries no POST itself.
    if (attempt < 3) return signIn(origin, email, attempt + 1);
    throw error;
  }
  if (!response.ok) throw new Error(`sign-in on ${origin} answered ${response.status}: ${await response.text()}`);
  return cookieHeader(response.headers.getSetCookie());
}

/** First-load JavaScript of the tasks page: every script its HTML makes a current browser load. */
async function firstLoadJs(origin: string, cookie: string): Promise<{ raw: number; gzip: number; scripts: number }> {
  const html = await (await fetch(`${origin}/`, { headers: { cookie } })).text();
  // `nomodule` polyfills are skipped by every module-capable browser.
  const tags = [...html.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0]).filter((tag) => !/\bnomodule\b/i.test(tag));
  const scripts = [...new Set(tags.map((tag) => /\bsrc="([^"]+\.js)"/.exec(tag)?.[1]).filter((src): src is string => Boolean(src)))];
  let raw = 0;
  let gzip = 0;
  for (const src of scripts) {
    const body = Buffer.from(await (await fetch(new URL(src, origin))).arrayBuffer());
    raw += body.length;
    gzip += gzipSync(body, { level: 9 }).length;
  }
  return { raw, gzip, scripts: scripts.length };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

async function main(): Promise<void> {
  const builds: WebBuild[] = [workspaceBuild(root)];
  if (options.baseline) builds.push(commitBuild(root, options.baseline));
  mkdirSync(reports, { recursive: true });
  const tmp = mkdtempSync(path.join(tmpdir(), 'web-bench-'));
  const state: Partial<StackState> = { pids: {}, specs: {} };
  const contenders: Contender[] = [];
  let apiPid: number | undefined;
  const stop = async () => {
    for (const c of contenders) await stopLaunched(c.pid);
    await stopLaunched(apiPid);
    await stopLaunched(state.pids!.postgres);
  };
  process.on('SIGINT', () => void stop().then(() => process.exit(130)));
  try {
    const databaseUrl = await startPostgres(state, PORTS.postgres, path.join(reports, 'postgres.log'));
    const secrets = { jwt: randomBytes(32).toString('base64url'), auth: randomBytes(32).toString('base64url') };
    await run(path.join(root, '.venv/bin/todo-api'), ['migrate'], path.join(root, 'apps/api'), { APP_ENV: 'test', DATABASE_URL: databaseUrl });
    await run(process.execPath, [path.join(root, 'apps/web/scripts/migrate.mjs')], root, { DATABASE_URL: databaseUrl });
    const api = apiSpec(databaseUrl, secrets.jwt, PORTS.api);
    api.log = path.join(reports, 'api.log');
    apiPid = launch(api).pid!;
    const apiUrl = `http://127.0.0.1:${PORTS.api}`;
    await waitForHttp(`${apiUrl}/readyz`, 60_000, api.log);

    const env = { APP_ENV: 'production', DATABASE_URL: databaseUrl, JWT_SECRET: secrets.jwt, BETTER_AUTH_SECRET: secrets.auth };
    const start = async (build: WebBuild, i: number, nodeOptions: string[] = []): Promise<Contender> => {
      const port = PORTS.web[i]!;
      const spec = webSpec(port, apiUrl, env, build.server, nodeOptions);
      spec.log = path.join(reports, `web-${build.name.split(' ')[0]}.log`);
      const contender: Contender = { ...build, url: `http://127.0.0.1:${port}`, pid: launch(spec).pid!, log: spec.log, memory: {} };
      contenders.push(contender);
      await waitForHttp(`${contender.url}/api/readyz`, 60_000, spec.log);
      return contender;
    };
    const stopContender = async (c: Contender) => {
      await stopLaunched(c.pid);
      contenders.splice(contenders.indexOf(c), 1);
    };

    // One user with 20 tasks, made through the first server; every build signs in on its own.
    const email = `bench-${randomUUID().slice(0, 8)}@example.com`;
    const first = await start(builds[0]!, 0);
    const signUp = await fetch(`${first.url}/api/auth/sign-up/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: first.url },
      body: JSON.stringify({ email, password: PASSWORD, name: 'Bench' }),
    });
    const { user } = (await signUp.json()) as { user: { id: string } };
    const seedCookie = cookieHeader(signUp.headers.getSetCookie());
    for (let i = 0; i < 20; i++) {
      await fetch(`${first.url}/api/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: first.url, cookie: seedCookie },
        body: JSON.stringify({ title: `Benchmark task ${i}`, description: 'seeded' }),
      });
    }
    const token = mintApiToken(user.id, secrets.jwt, 3600);
    const requestFor = (kind: Kind, cookie: string): { method: string; path: string; headers: Record<string, string> } =>
      kind === 'direct'
        ? { method: 'GET', path: `/api/${user.id}/tasks`, headers: { authorization: `Bearer ${token}` } }
        : { method: 'GET', path: kind === 'page' ? '/' : '/api/tasks', headers: { cookie } };

    // One-time costs (modules loaded on first use, the JIT's first compilations) are no
    // per-request cost: each server answers a few of each request before anything is counted.
    const prewarm = async (c: Contender, kinds: readonly Kind[] = ['page', 'proxy']) => {
      const cookie = await signIn(c.url, email);
      for (let i = 0; i < 50; i++) {
        for (const kind of kinds) {
          const { path: p, headers } = requestFor(kind, cookie);
          await (await fetch(`${c.url}${p}`, { headers })).arrayBuffer();
        }
      }
    };

    const measure = async (c: Contender | null, kind: Kind): Promise<Measured> => {
      const base = kind === 'direct' ? apiUrl : c!.url;
      const cookie = kind === 'direct' ? '' : await signIn(c!.url, email);
      const webBefore = c ? treeCpuSeconds(c.pid) : 0;
      const apiBefore = treeCpuSeconds(apiPid!);
      const result = load(kind, base, requestFor(kind, cookie), tmp);
      const served = Math.max(1, result.requests_including_warmup);
      const measured: Measured = {
        ...result,
        build: c?.name ?? 'api',
        kind,
        web_cpu_ms: c ? round(((treeCpuSeconds(c.pid) - webBefore) * 1000) / served) : null,
        api_cpu_ms: round(((treeCpuSeconds(apiPid!) - apiBefore) * 1000) / served),
      };
      console.log(`${measured.build.padEnd(14)} ${kind.padEnd(6)} ${result.requests_per_second} req/s, p50 ${result.overall.p50_ms} ms, p95 ${result.overall.p95_ms} ms, errors ${result.errors}, web CPU ${measured.web_cpu_ms ?? '–'} ms/req, api CPU ${measured.api_cpu_ms} ms/req`);
      return measured;
    };

    if (options.profile) {
      await stopContender(first);
      await profileRuns(builds, start, stopContender, measure, prewarm, path.resolve(options.profile));
      return;
    }

    const all = [first];
    for (let i = 1; i < builds.length; i++) all.push(await start(builds[i]!, i));
    const js = new Map<string, Awaited<ReturnType<typeof firstLoadJs>>>();
    for (const c of all) js.set(c.name, await firstLoadJs(c.url, await signIn(c.url, email)));
    for (const c of all) await prewarm(c);
    for (const c of all) c.memory.before = treeMemoryMib(c.pid);

    const results: Measured[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 ? [...all].reverse() : all; // each build goes first in turn
      for (const kind of ['page', 'proxy'] as const) for (const c of order) results.push(await measure(c, kind));
      results.push(await measure(null, 'direct'));
    }
    for (const c of all) c.memory.after = treeMemoryMib(c.pid);
    const report = render(all, results, js);
    console.log(`\n${report}\n`);
    writeFileSync(path.join(reports, 'web-bench.json'), JSON.stringify({ results, memory: all.map((c) => ({ build: c.name, ...c.memory })) }, null, 2));
    if (!options['no-write']) writeSection('web-bench', 'Web (`nx run web:bench`)', report);
  } finally {
    await stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Each build alone under each load, with `node --cpu-prof`; prints where its time went. */
async function profileRuns(
  builds: WebBuild[],
  start: (b: WebBuild, i: number, nodeOptions?: string[]) => Promise<Contender>,
  stopContender: (c: Contender) => Promise<void>,
  measure: (c: Contender, kind: Kind) => Promise<Measured>,
  prewarm: (c: Contender, kinds: readonly Kind[]) => Promise<void>,
  dir: string,
): Promise<void> {
  const lines: string[] = [];
  for (const kind of ['page', 'proxy'] as const) {
    for (const build of builds) {
      const out = path.join(dir, `${build.name.split(' ')[0]}-${kind}`);
      rmSync(out, { recursive: true, force: true });
      const c = await start(build, 0, ['--cpu-prof', `--cpu-prof-dir=${out}`]);
      await prewarm(c, [kind]);
      const result = await measure(c, kind);
      await stopContender(c); // the profile is written as the server exits
      const file = readdirSync(out).find((f) => f.endsWith('.cpuprofile'));
      if (!file) {
        lines.push(`${build.name} ${kind}: no profile written`);
        continue;
      }
      const { totalMs, buckets } = selfTimeByBucket(path.join(out, file));
      lines.push(`${build.name}, ${KIND_LABEL[kind]}: ${result.requests_including_warmup} requests, ${Math.round(totalMs)} ms busy in the profile (${round(totalMs / result.requests_including_warmup)} ms/request)`);
      for (const [bucket, ms] of buckets.slice(0, 15)) lines.push(`  ${((100 * ms) / totalMs).toFixed(1).padStart(5)}%  ${round(ms / result.requests_including_warmup, 3).toFixed(3).padStart(6)} ms/req  ${bucket}`);
    }
  }
  console.log(`\n${lines.join('\n')}\n\nprofiles in ${dir}`);
}

function render(contenders: Contender[], results: Measured[], js: Map<string, { raw: number; gzip: number; scripts: number }>): string {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
  const summary = (build: string, kind: Kind) => {
    const rs = results.filter((r) => r.build === build && r.kind === kind);
    return {
      rps: round(median(rs.map((r) => r.requests_per_second)), 1),
      errors: rs.reduce((n, r) => n + r.errors, 0),
      p50: round(median(rs.map((r) => r.overall.p50_ms)), 1),
      p95: round(median(rs.map((r) => r.overall.p95_ms)), 1),
      web: rs[0]?.web_cpu_ms === null ? null : round(median(rs.map((r) => r.web_cpu_ms ?? 0))),
      api: round(median(rs.map((r) => r.api_cpu_ms))),
      each: rs.map((r) => r.web_cpu_ms ?? r.api_cpu_ms),
    };
  };
  const rows: string[] = [];
  for (const kind of ['page', 'proxy'] as const) {
    for (const c of contenders) {
      const s = summary(c.name, kind);
      rows.push(`| ${KIND_LABEL[kind]} | ${c.name} | **${s.web}** (${s.each.join(', ')}) | ${s.api} | ${s.rps} | ${s.errors} | ${s.p50} | ${s.p95} |`);
    }
  }
  const direct = summary('api', 'direct');
  rows.push(`| ${KIND_LABEL.direct} | – | – | ${direct.api} (${direct.each.join(', ')}) | ${direct.rps} | ${direct.errors} | ${direct.p50} | ${direct.p95} |`);
  const [now, old] = contenders;
  const ratio = (kind: Kind) => {
    const [a, b] = [summary(now!.name, kind).web, summary(old!.name, kind).web];
    return a && b ? `**${(a / b).toFixed(2)}×**` : 'n/a';
  };
  const proxy = summary(now!.name, 'proxy');
  const lines = [
    `- Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpus().length} cores; the load generator, web, api and PostgreSQL share them.`,
    `- Production builds (\`next build\`, standalone server), one web process each, the API with 1 worker on PostgreSQL; ${CONNECTIONS} connections, ${SECONDS} s per run after a ${WARMUP_SECONDS} s warm-up; 20 tasks in the list; ${ROUNDS} rounds${old ? ', the builds taking turns' : ''}; each run signs in afresh, as a browser holds fresh cookies.`,
    `- Web CPU: the server process tree's utime + stime (/proc) over the run, divided by every request it served (warm-up included); median of the rounds, each round in brackets. API CPU the same for the API process.`,
    ...contenders.map((c) => {
      const j = js.get(c.name)!;
      return `- ${c.name}: first-load JavaScript of the tasks page **${kb(j.gzip)} gzip** (${kb(j.raw)} raw, ${j.scripts} scripts; goal ≤ 150 kB gzip); RSS ${c.memory.before?.rss} MiB after start-up, ${c.memory.after?.rss} MiB after the runs (peak ${c.memory.after?.peak} MiB).`;
    }),
    '',
    '| run | build | web CPU ms/req | api CPU ms/req | req/s | errors | p50 ms | p95 ms |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    ...(old ? [`New/old, same run: web CPU per rendered tasks page ${ratio('page')}, per proxied request ${ratio('proxy')}.`, ''] : []),
    `Proxy cost, same run (${now!.name}): the proxied list's p50 is **${(proxy.p50 / direct.p50).toFixed(1)}×** and its p95 **${(proxy.p95 / direct.p95).toFixed(1)}×** the direct call's; throughput ${(proxy.rps / direct.rps).toFixed(2)}× of direct.`,
  ];
  return lines.join('\n');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
