// What the apps themselves declare, read from their source so the chart tests compare the
// chart with the code rather than with a copy of it: the images' UID and ports, the routes
// behind the probes, and the environment variables each app reads.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { root } from './workspace';

const read = (rel: string): string => readFileSync(path.join(root, rel), 'utf8');

export interface DockerfileFacts {
  /** `ARG APP_UID=` / `ARG APP_GID=` of the runtime stage (the last stage declaring them). */
  uid: number;
  gid: number;
  /** `EXPOSE` ports of the runtime image. */
  exposed: number[];
}

/** Reads `apps/<app>/Dockerfile`'s runtime stage (FROM ... AS runtime). */
export function dockerfile(app: 'api' | 'web'): DockerfileFacts {
  const text = read(`apps/${app}/Dockerfile`);
  const stages = text.split(/^FROM\s+/m);
  const runtime = stages.find((s) => /^\S+\s+AS\s+runtime\b/i.test(s));
  if (!runtime) throw new Error(`apps/${app}/Dockerfile has no "FROM ... AS runtime" stage`);
  const arg = (name: string): number => {
    const m = new RegExp(`^ARG\\s+${name}=(\\d+)\\s*$`, 'm').exec(runtime);
    if (!m) throw new Error(`apps/${app}/Dockerfile's runtime stage has no "ARG ${name}=<number>"`);
    return Number(m[1]);
  };
  const exposed = [...runtime.matchAll(/^EXPOSE\s+(.+)$/gm)].flatMap((m) => m[1]!.trim().split(/\s+/).map((p) => Number(p.split('/')[0])));
  if (exposed.length === 0) throw new Error(`apps/${app}/Dockerfile's runtime stage EXPOSEs nothing`);
  return { uid: arg('APP_UID'), gid: arg('APP_GID'), exposed };
}

/** Every file below a directory (relative to the workspace root), depth first. */
function walk(rel: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const child = path.posix.join(rel, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== '__pycache__' && entry.name !== '__tests__') out.push(...walk(child));
    } else out.push(child);
  }
  return out;
}

// ---------------------------------------------------------------- api

/** Paths of apps/api/openapi.json (the api's published contract). */
export function apiOpenApiPaths(): string[] {
  return Object.keys((JSON.parse(read('apps/api/openapi.json')) as { paths: Record<string, unknown> }).paths);
}

/** `@router.get("/path")` / `@app.get(...)` routes declared in apps/api/todo_api. */
export function apiRouteDecorators(): string[] {
  return walk('apps/api/todo_api')
    .filter((f) => f.endsWith('.py'))
    .flatMap((f) => [...read(f).matchAll(/@\w+\.(?:get|head|api_route)\(\s*["']([^"']+)["']/g)].map((m) => m[1]!));
}

/**
 * Environment variables the api reads: the fields of `class Settings` in
 * todo_api/core/config.py (pydantic-settings, no prefix, case-insensitive → uppercase),
 * plus the names passed to `os.environ.get("X")`, `os.environ["X"]` or `os.getenv("X")`
 * anywhere in todo_api (not tests).
 */
export function apiEnvReads(): Set<string> {
  const config = read('apps/api/todo_api/core/config.py');
  const body = /^class Settings\(BaseSettings\):\n((?:[ \t]+.*\n|\s*\n)+)/m.exec(config)?.[1];
  if (!body) throw new Error('class Settings(BaseSettings) not found in apps/api/todo_api/core/config.py');
  if (/env_prefix/.test(body)) throw new Error('Settings has an env_prefix now: teach apiEnvReads about it');
  const names = new Set<string>();
  for (const m of body.matchAll(/^ {4}([a-z_][a-z0-9_]*)\s*:/gm)) names.add(m[1]!.toUpperCase());
  for (const file of walk('apps/api/todo_api').filter((f) => f.endsWith('.py') && !/(^|\/)tests?\/|test_[^/]*\.py$/.test(f))) {
    for (const m of read(file).matchAll(/os\.(?:environ\.get\(|environ\[|getenv\()\s*["']([A-Z_][A-Z0-9_]*)["']/g)) names.add(m[1]!);
  }
  return names;
}

// ---------------------------------------------------------------- web

/** A Next.js app-router route handler for a URL path: apps/web/src/app<path>/route.ts. */
export function webRouteFile(urlPath: string): string {
  return path.posix.join('apps/web/src/app', urlPath, 'route.ts');
}
export const webRouteExists = (urlPath: string): boolean => existsSync(path.join(root, webRouteFile(urlPath)));

/** What the Next standalone server (server.js) reads itself, outside apps/web/src. */
export const NEXT_STANDALONE_ENV = ['PORT', 'HOSTNAME', 'NODE_ENV'];

/**
 * Environment variables the web app reads: `env.NAME` and `process.env.NAME` in
 * apps/web/src/**\/*.{ts,tsx,mjs} (tests excluded), plus the standalone server's own.
 */
export function webEnvReads(): Set<string> {
  const names = new Set(NEXT_STANDALONE_ENV);
  const files = walk('apps/web/src').filter((f) => /\.(ts|tsx|mjs)$/.test(f) && !/\.(test|spec)\.(ts|tsx|mjs)$/.test(f));
  for (const file of files) for (const m of read(file).matchAll(/\benv\.([A-Z_][A-Z0-9_]*)\b/g)) names.add(m[1]!);
  return names;
}

// ---------------------------------------------------------------- inline scripts

/** Names a Python script reads with os.environ["X"] / os.environ.get("X") / os.getenv("X"). */
export const pythonScriptEnvReads = (script: string): string[] =>
  [...script.matchAll(/os\.(?:environ\.get\(|environ\[|getenv\()\s*["']([A-Z_][A-Z0-9_]*)["']/g)].map((m) => m[1]!);

/** Names a JavaScript script reads with process.env.X. */
export const nodeScriptEnvReads = (script: string): string[] => [...script.matchAll(/process\.env\.([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]!);
