// What web publishes for its deployment to agree with: apps/web/runtime.json. The Helm
// chart's tests read it instead of parsing web's source: the image's port and user, the
// probe routes (each a Next.js route handler here), and every variable the server reads.
//   npm run nx -- run web:runtime                 rewrites runtime.json
//   npx tsx scripts/runtime-manifest.ts --check   (from apps/web) exits 1 when it is stale
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_METRICS_PORT, ENV_VARS } from '../src/lib/server/config.mjs';

/** The kubelet's probes: app-router route handlers under src/app. */
export const PROBES = { startup: '/api/healthz', liveness: '/api/healthz', readiness: '/api/readyz' };

/** Read outside config.mjs: by the Next standalone server.js, Next itself, and instrumentation-node.ts. */
export const OTHER_ENV = ['HOSTNAME', 'NEXT_RUNTIME', 'AUTH_AUTO_MIGRATE'];

/** Written into the build by next.config.ts (`env`), so never read at run time: nothing to set. */
export const BUILD_CONSTANTS = ['TODO_WEB_VERSION'];

/** The runtime stage's user (ARG APP_UID/APP_GID) and EXPOSEd ports. */
export function imageFacts(dockerfile: string): { uid: number; gid: number; ports: number[] } {
  const runtime = readFileSync(dockerfile, 'utf8').split(/^FROM\s+/m).find((s) => /^\S+\s+AS\s+runtime\b/i.test(s));
  if (!runtime) throw new Error(`${dockerfile} has no "FROM ... AS runtime" stage`);
  const arg = (name: string) => {
    const m = new RegExp(`^ARG\\s+${name}=(\\d+)\\s*$`, 'm').exec(runtime);
    if (!m) throw new Error(`${dockerfile}'s runtime stage has no "ARG ${name}=<number>"`);
    return Number(m[1]);
  };
  const ports = [...runtime.matchAll(/^EXPOSE\s+(.+)$/gm)].flatMap((m) => (m[1] ?? '').trim().split(/\s+/).map((p) => Number(p.split('/')[0])));
  return { uid: arg('APP_UID'), gid: arg('APP_GID'), ports };
}

/** What runtime.json holds, for `webDir` (apps/web). */
export function runtimeManifest(webDir: string) {
  const missing = Object.values(PROBES).filter((route) => !existsSync(path.join(webDir, 'src/app', route, 'route.ts')));
  if (missing.length) throw new Error(`probe routes with no src/app<path>/route.ts: ${missing.join(', ')}`);
  const required = new Map(ENV_VARS.map((v) => [v.name, v.requiredInProduction]));
  const names = [...new Set([...required.keys(), ...OTHER_ENV])].sort();
  return {
    image: imageFacts(path.join(webDir, 'Dockerfile')),
    probes: PROBES,
    // Served by src/lib/server/metrics.ts on their own port (any path but /metrics is a 404).
    metrics: { port: DEFAULT_METRICS_PORT, env: 'METRICS_PORT', path: '/metrics' },
    env: names.map((name) => ({ name, requiredInProduction: required.get(name) ?? false })),
  };
}

export const renderRuntimeManifest = (webDir: string): string => `${JSON.stringify(runtimeManifest(webDir), null, 2)}\n`;

if (require.main === module) {
  const file = path.join(process.cwd(), 'runtime.json');
  const next = renderRuntimeManifest(process.cwd());
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (process.argv.includes('--check')) {
    if (current !== next) {
      console.error('apps/web/runtime.json is stale: run `npm run nx -- run web:runtime` and commit it');
      process.exit(1);
    }
  } else if (current !== next) writeFileSync(file, next);
}
