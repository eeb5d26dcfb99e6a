// 3. Environment: every variable the chart sets on web, api, the migration Job and the test
// pods is one that program reads (read sets the apps publish in apps/*/runtime.json), and what each
// needs to start in production is there. Dependent variables ($(NAME)) are allowed when
// declared before their use, as Kubernetes requires.
import { envReads, nodeScriptEnvReads, pythonScriptEnvReads } from './app-runtime';
import {
  appContainer,
  containers,
  envReferences,
  FULLNAME,
  getObject,
  id,
  isTest,
  podOf,
  podSpecs,
  podsSelectedBy,
  render,
  renderMatrix,
  resolvedEnv,
  spec,
  type Container,
  type K8sObject,
  type Rendered,
  type ResolvedEnvVar,
  type ServiceSpec,
} from './render';

let renders: Rendered[];
const API_READS = envReads('api');
const WEB_READS = envReads('web');
beforeAll(async () => {
  renders = await renderMatrix();
});

test('the published read sets hold what the apps are known to read', () => {
  // Guards the data: an empty or wrong set would make the checks below meaningless.
  for (const name of ['DATABASE_URL', 'JWT_SECRET', 'AUTO_MIGRATE', 'APP_ENV', 'LOG_LEVEL', 'PORT', 'WEB_CONCURRENCY', 'OPENAI_API_KEY']) expect(API_READS).toContain(name);
  for (const name of ['DATABASE_URL', 'JWT_SECRET', 'BETTER_AUTH_SECRET', 'BETTER_AUTH_URL', 'BACKEND_URL', 'AUTH_AUTO_MIGRATE', 'PORT', 'HOSTNAME']) expect(WEB_READS).toContain(name);
  expect(API_READS).not.toContain('BETTER_AUTH_URL');
  expect(WEB_READS).not.toContain('WEB_CONCURRENCY');
});

/**
 * Names set on a container that the program does not read, apart from variables only there
 * to be referenced as $(NAME) by a later one; and references to a variable not defined
 * before the referencing entry.
 */
function envProblems(c: Container, env: Map<string, ResolvedEnvVar>, reads: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const referenced = new Set<string>();
  const fromEnvFrom = new Set([...env.values()].filter((e) => e.source.startsWith('envFrom')).map((e) => e.name));
  (c.env ?? []).forEach((e, i) => {
    for (const ref of envReferences(e.value ?? '')) {
      referenced.add(ref);
      const declaredAt = (c.env ?? []).findIndex((x) => x.name === ref);
      if (!fromEnvFrom.has(ref) && (declaredAt < 0 || declaredAt >= i)) problems.push(`${e.name} uses $(${ref}), which is not declared before it`);
    }
  });
  for (const e of env.values()) {
    if (reads.has(e.name)) continue;
    if (referenced.has(e.name)) continue;
    problems.push(`${e.name} (${e.source}) is set but never read`);
  }
  return problems;
}

/** Same secret source: identical secretKeyRef, or an identical literal (e.g. DATABASE_URL composed from the same password ref). */
function sameSource(env1: Map<string, ResolvedEnvVar>, env2: Map<string, ResolvedEnvVar>, name: string): boolean {
  const a = env1.get(name);
  const b = env2.get(name);
  if (!a || !b) return false;
  if (a.secretKeyRef || b.secretKeyRef) return JSON.stringify(a.secretKeyRef) === JSON.stringify(b.secretKeyRef);
  if (a.value !== b.value) return false;
  return envReferences(a.value ?? '').every((ref) => sameSource(env1, env2, ref));
}

describe('api container', () => {
  test('sets only variables the api reads (Settings fields, os.environ names), dependent ones declared before use', () => {
    for (const r of renders) {
      const c = appContainer(r.objects, 'api');
      expect({ where: r.label, problems: envProblems(c, resolvedEnv(r.objects, c), API_READS) }).toEqual({ where: r.label, problems: [] });
    }
  });

  test('has DATABASE_URL, JWT_SECRET, APP_ENV=production and AUTO_MIGRATE=false', () => {
    for (const r of renders) {
      const env = resolvedEnv(r.objects, appContainer(r.objects, 'api'));
      expect({ where: r.label, has: ['DATABASE_URL', 'JWT_SECRET'].filter((n) => env.has(n)) }).toEqual({ where: r.label, has: ['DATABASE_URL', 'JWT_SECRET'] });
      expect({ where: r.label, AUTO_MIGRATE: env.get('AUTO_MIGRATE')?.value, APP_ENV: env.get('APP_ENV')?.value }).toEqual({
        where: r.label,
        AUTO_MIGRATE: 'false',
        APP_ENV: 'production',
      });
      expect(env.get('JWT_SECRET')?.secretKeyRef).toBeDefined();
    }
  });
});

describe('web container', () => {
  test('sets only variables web reads (env.X in apps/web/src, the standalone server), dependent ones declared before use', () => {
    for (const r of renders) {
      const c = appContainer(r.objects, 'web');
      expect({ where: r.label, problems: envProblems(c, resolvedEnv(r.objects, c), WEB_READS) }).toEqual({ where: r.label, problems: [] });
    }
  });

  test('has DATABASE_URL, JWT_SECRET, BETTER_AUTH_SECRET, BETTER_AUTH_URL, BACKEND_URL, APP_ENV=production, AUTH_AUTO_MIGRATE=false', () => {
    const required = ['DATABASE_URL', 'JWT_SECRET', 'BETTER_AUTH_SECRET', 'BETTER_AUTH_URL', 'BACKEND_URL'];
    for (const r of renders) {
      const env = resolvedEnv(r.objects, appContainer(r.objects, 'web'));
      expect({ where: r.label, has: required.filter((n) => env.has(n)) }).toEqual({ where: r.label, has: required });
      expect({ where: r.label, APP_ENV: env.get('APP_ENV')?.value, AUTH_AUTO_MIGRATE: env.get('AUTH_AUTO_MIGRATE')?.value }).toEqual({
        where: r.label,
        APP_ENV: 'production',
        AUTH_AUTO_MIGRATE: 'false',
      });
      expect(env.get('BETTER_AUTH_URL')?.value).toMatch(/^https?:\/\/[^/\s]+$/);
    }
  });

  test('BACKEND_URL is http://<the rendered api Service>:<its port>, and that Service has the api as its backend', () => {
    for (const r of renders) {
      const svc = getObject(r.objects, 'Service', `${FULLNAME}-api`);
      const port = spec<ServiceSpec>(svc).ports![0]!.port;
      const env = resolvedEnv(r.objects, appContainer(r.objects, 'web'));
      expect({ where: r.label, BACKEND_URL: env.get('BACKEND_URL')?.value }).toEqual({ where: r.label, BACKEND_URL: `http://${svc.metadata.name}:${port}` });
      const backends = podsSelectedBy(r.objects, { matchLabels: spec<ServiceSpec>(svc).selector }).map((p) => id(p.owner));
      expect({ where: r.label, backends }).toEqual({ where: r.label, backends: [`Deployment/${FULLNAME}-api`] });
    }
  });

  test('trusts a client address header only behind the Ingress (x-real-ip, which ingress-nginx overwrites) or when told', async () => {
    for (const r of renders) {
      const env = resolvedEnv(r.objects, appContainer(r.objects, 'web'));
      const ingress = r.objects.some((o) => o.kind === 'Ingress');
      expect({ where: r.label, header: env.get('TRUSTED_PROXY_HEADER')?.value }).toEqual({ where: r.label, header: ingress ? 'x-real-ip' : undefined });
    }
    const header = async (set: Record<string, string>, values = 'default') => {
      const r = await render(values, { set });
      return resolvedEnv(r.objects, appContainer(r.objects, 'web')).get('TRUSTED_PROXY_HEADER')?.value;
    };
    expect(await header({ 'web.trustedProxyHeader': 'x-client-ip' })).toBe('x-client-ip');
    expect(await header({ 'web.trustedProxyHeader': 'none' }, 'ingress')).toBeUndefined();
    // Another controller may pass a client's X-Real-IP on: not trusted unless the operator says so.
    expect(await header({ 'ingress.className': 'traefik' }, 'ingress')).toBeUndefined();
  });

  test('web and api take JWT_SECRET from the same Secret key, and reach the same database', () => {
    for (const r of renders) {
      const api = resolvedEnv(r.objects, appContainer(r.objects, 'api'));
      const web = resolvedEnv(r.objects, appContainer(r.objects, 'web'));
      expect({ where: r.label, jwt: sameSource(api, web, 'JWT_SECRET'), db: sameSource(api, web, 'DATABASE_URL') }).toEqual({ where: r.label, jwt: true, db: true });
    }
  });
});

describe('migration Job', () => {
  const job = (r: Rendered): Container[] => containers(podOf(r.objects, 'Job', 'migrations'));
  const byName = (r: Rendered, name: string): Container => {
    const c = job(r).find((x) => x.name === name);
    if (!c) throw new Error(`${r.label}: the migration Job has no container ${name}`);
    return c;
  };

  test('runs the database wait, `todo-api migrate` and `node scripts/migrate.mjs`, in that order', () => {
    for (const r of renders) {
      const cs = job(r);
      expect({ where: r.label, steps: cs.map((c) => [c.name, c.command?.[0]]) }).toEqual({
        where: r.label,
        steps: [['wait-for-database', 'python'], ['migrate-api', 'todo-api'], ['migrate-web', 'node']],
      });
      expect(cs[1]!.command).toEqual(['todo-api', 'migrate']);
      expect(cs[2]!.command).toEqual(['node', 'scripts/migrate.mjs']);
    }
  });

  test('the database wait gets exactly the variables its inline script reads', () => {
    for (const r of renders) {
      const c = byName(r, 'wait-for-database');
      const script = (c.command ?? []).concat(c.args ?? []).join('\n');
      const reads = new Set(pythonScriptEnvReads(script));
      expect(reads.size).toBeGreaterThan(0);
      const env = resolvedEnv(r.objects, c);
      expect({ where: r.label, missing: [...reads].filter((n) => !env.has(n)), unread: envProblems(c, env, reads) }).toEqual({ where: r.label, missing: [], unread: [] });
    }
  });

  test('`todo-api migrate` gets only api variables, and what production needs: DATABASE_URL and JWT_SECRET', () => {
    for (const r of renders) {
      const c = byName(r, 'migrate-api');
      const env = resolvedEnv(r.objects, c);
      expect({ where: r.label, problems: envProblems(c, env, API_READS) }).toEqual({ where: r.label, problems: [] });
      expect({ where: r.label, has: ['DATABASE_URL', 'JWT_SECRET'].filter((n) => env.has(n)) }).toEqual({ where: r.label, has: ['DATABASE_URL', 'JWT_SECRET'] });
    }
  });

  test('`node scripts/migrate.mjs` gets only web variables, and the settings config.mjs checks, equal to the web pods\'', () => {
    const same = ['BACKEND_URL', 'BETTER_AUTH_URL', 'AUTH_TRUSTED_ORIGINS', 'APP_ENV'];
    for (const r of renders) {
      const c = byName(r, 'migrate-web');
      expect(c.workingDir).toBe('/app/apps/web');
      const env = resolvedEnv(r.objects, c);
      expect({ where: r.label, problems: envProblems(c, env, WEB_READS) }).toEqual({ where: r.label, problems: [] });
      const required = ['DATABASE_URL', 'JWT_SECRET', 'BETTER_AUTH_SECRET', 'BETTER_AUTH_URL', 'BACKEND_URL'];
      expect({ where: r.label, has: required.filter((n) => env.has(n)) }).toEqual({ where: r.label, has: required });
      const web = resolvedEnv(r.objects, appContainer(r.objects, 'web'));
      for (const name of same) expect({ where: r.label, name, value: env.get(name)?.value }).toEqual({ where: r.label, name, value: web.get(name)?.value });
    }
  });

  test('its secrets are the apps\' own: the same keys, from the same Secret on install and from the hook copy on upgrade', () => {
    for (const r of renders) {
      const web = resolvedEnv(r.objects, appContainer(r.objects, 'web'));
      for (const c of job(r)) {
        for (const e of resolvedEnv(r.objects, c).values()) {
          if (!e.secretKeyRef) continue;
          const app = web.get(e.name)?.secretKeyRef ?? resolvedEnv(r.objects, appContainer(r.objects, 'api')).get(e.name)?.secretKeyRef;
          const where = `${r.label} ${c.name} ${e.name}`;
          expect({ where, key: e.secretKeyRef.key }).toEqual({ where, key: app?.key });
          if (app?.name === FULLNAME && r.isUpgrade) {
            // The release Secret still holds the previous revision's values while a pre-upgrade hook runs.
            expect({ where, name: e.secretKeyRef.name }).toEqual({ where, name: `${FULLNAME}-migrate` });
            const copy = getObject(r.objects, 'Secret', `${FULLNAME}-migrate`);
            expect(copy.metadata.annotations?.['helm.sh/hook']).toBe('pre-upgrade');
            expect(Number(copy.metadata.annotations?.['helm.sh/hook-weight'])).toBeLessThan(Number(hookWeight(r.objects)));
            expect(Object.keys((copy as K8sObject & { data: object }).data)).toContain(e.secretKeyRef.key);
          } else {
            expect({ where, name: e.secretKeyRef.name }).toEqual({ where, name: app?.name });
          }
        }
      }
    }
  });
});

function hookWeight(objects: readonly K8sObject[]): string {
  const j = podOf(objects, 'Job', 'migrations').owner;
  return j.metadata.annotations?.['helm.sh/hook-weight'] ?? '0';
}

test('helm test pods get exactly the variables their inline scripts read', () => {
  let seen = 0;
  for (const r of renders) {
    for (const pod of podSpecs(r.objects).filter((p) => isTest(p.owner))) {
      for (const c of containers(pod)) {
        seen++;
        const reads = new Set(nodeScriptEnvReads([...(c.command ?? []), ...(c.args ?? [])].join('\n')));
        const env = resolvedEnv(r.objects, c);
        const where = `${r.label} ${id(pod.owner)}`;
        expect({ where, missing: [...reads].filter((n) => !env.has(n)), unread: envProblems(c, env, reads) }).toEqual({ where, missing: [], unread: [] });
      }
    }
  }
  expect(seen).toBeGreaterThan(0);
});
