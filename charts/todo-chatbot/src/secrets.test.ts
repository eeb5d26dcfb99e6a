// 7. Secrets stay in Secrets: no secret value (given or generated) in a ConfigMap or any
// other object, no secret-looking ConfigMap key, generated passwords URL-safe, and pods
// roll when config or secrets change (checksum annotations).
// 8. The existingSecret and external-database paths render right.
import { ipBlockEgress } from './network';
import {
  appContainer,
  caseValues,
  containers,
  FULLNAME,
  getObject,
  id,
  ofKind,
  podOf,
  podSpecs,
  render,
  renderMatrix,
  resolvedEnv,
  secretData,
  type K8sObject,
  type Rendered,
} from './render';

const GIVEN = {
  'auth.jwtSecret': 'given-jwt-secret-0123456789abcdef0123456789',
  'auth.betterAuthSecret': 'given-better-auth-secret-0123456789abcdef01',
  'postgresql.auth.password': 'givenPostgresPassword0123',
  'llm.apiKey': 'given-' + 'llm-key-0123456789abcdef',
};
const EXTERNAL_URL = 'postgresql://todo:ext3rnalPassw0rd@db.example.com:6543/todo?sslmode=require';

let renders: Rendered[];
let given: Rendered[];
let externalWithPassword: Rendered[];
let separateSecrets: Rendered[];
let externalExisting: Rendered;
beforeAll(async () => {
  const both = (c: string, o: Parameters<typeof render>[1]) => Promise.all([render(c, o), render(c, { ...o, isUpgrade: true })]);
  [renders, given, externalWithPassword, separateSecrets, externalExisting] = await Promise.all([
    renderMatrix(),
    both('default', { set: GIVEN }),
    both('external-database', { set: { 'externalDatabase.url': EXTERNAL_URL, 'externalDatabase.egress.port': 6543 } }),
    both('existing-secret', {
      set: {
        'auth.existingSecret': 'auth-s',
        'auth.existingSecretKeys.jwtSecret': 'jwt-k',
        'auth.existingSecretKeys.betterAuthSecret': 'ba-k',
        'postgresql.auth.existingSecret': 'pg-s',
        'postgresql.auth.existingSecretPasswordKey': 'pg-k',
        'llm.existingSecret': 'llm-s',
        'llm.existingSecretKey': 'llm-k',
      },
    }),
    render('external-database', { set: { 'externalDatabase.existingSecret': 'db-s', 'externalDatabase.existingSecretUrlKey': 'db-k' }, isUpgrade: true }),
  ]);
});
const all = (): Rendered[] => [...renders, ...given, ...externalWithPassword, ...separateSecrets, externalExisting];

/** Every value (>= 8 characters) of every Secret the render holds, generated ones included. */
const secretValues = (r: Rendered): string[] =>
  ofKind(r.objects, 'Secret').flatMap((s) => Object.values(secretData(r.objects, s.metadata.name) ?? {})).filter((v) => v.length >= 8);

describe('no secret outside a Secret', () => {
  test('the renders hold the secrets the test plants, so the search below means something', () => {
    const values = given.flatMap(secretValues);
    for (const v of Object.values(GIVEN)) expect(values).toContain(v);
    expect(externalWithPassword.flatMap(secretValues)).toContain(EXTERNAL_URL);
    expect(renders.filter((r) => r.caseName === 'default').flatMap(secretValues).length).toBeGreaterThanOrEqual(3); // generated
  });

  test('no ConfigMap data holds any Secret value, nor any other non-Secret object', () => {
    for (const r of all()) {
      const values = secretValues(r);
      for (const o of r.objects.filter((x) => x.kind !== 'Secret')) {
        const text = JSON.stringify(o);
        const leaked = values.filter((v) => text.includes(v));
        expect({ where: `${r.label} ${id(o)}`, leaked }).toEqual({ where: `${r.label} ${id(o)}`, leaked: [] });
      }
    }
  });

  test('no ConfigMap key looks like a secret (SECRET, PASSWORD, TOKEN, API_KEY, DATABASE_URL; a *_SECONDS duration is not one)', () => {
    const secretish = /(^|_)(SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|KEY|DATABASE_URL|DSN|CREDENTIALS?)(_|$)/i;
    for (const r of all()) {
      for (const cm of ofKind(r.objects, 'ConfigMap')) {
        const keys = Object.keys((cm as K8sObject & { data?: object }).data ?? {}).filter((k) => secretish.test(k) && !/_SECONDS$/.test(k));
        expect({ where: `${r.label} ${id(cm)}`, keys }).toEqual({ where: `${r.label} ${id(cm)}`, keys: [] });
      }
    }
  });

  test('secrets reach containers only through secretKeyRef, never as a literal env value', () => {
    const names = /^(JWT_SECRET|BETTER_AUTH_SECRET|OPENAI_API_KEY|POSTGRES_PASSWORD|DATABASE_PASSWORD)$/;
    for (const r of all()) {
      for (const pod of podSpecs(r.objects)) {
        for (const c of containers(pod)) {
          for (const e of resolvedEnv(r.objects, c).values()) {
            if (names.test(e.name)) expect({ where: `${r.label} ${id(pod.owner)} ${c.name} ${e.name}`, ref: Boolean(e.secretKeyRef) }).toEqual({ where: `${r.label} ${id(pod.owner)} ${c.name} ${e.name}`, ref: true });
          }
        }
      }
    }
  });
});

test('generated secrets: long enough for the apps (>= 32 bytes), the PostgreSQL password URL-safe, all different', () => {
  for (const r of renders.filter((x) => x.caseName === 'default')) {
    const data = secretData(r.objects, FULLNAME)!;
    for (const key of ['jwt-secret', 'better-auth-secret', 'postgres-password']) expect(Buffer.byteLength(data[key] ?? '')).toBeGreaterThanOrEqual(32);
    // It is put into DATABASE_URL as it is: only unreserved URL characters.
    expect(data['postgres-password']).toMatch(/^[A-Za-z0-9._~-]+$/);
    expect(new Set([data['jwt-secret'], data['better-auth-secret'], data['postgres-password']]).size).toBe(3);
  }
});

test('given secrets are used as given', () => {
  for (const r of given) {
    const data = secretData(r.objects, FULLNAME)!;
    expect(data).toEqual({
      'jwt-secret': GIVEN['auth.jwtSecret'],
      'better-auth-secret': GIVEN['auth.betterAuthSecret'],
      'postgres-password': GIVEN['postgresql.auth.password'],
      'openai-api-key': GIVEN['llm.apiKey'],
    });
  }
});

describe('checksum annotations roll the pods', () => {
  test('web and api pods carry checksum/config and checksum/secret; PostgreSQL checksum/secret', () => {
    for (const r of renders) {
      for (const app of ['web', 'api']) {
        const a = podOf(r.objects, 'Deployment', app).metadata.annotations ?? {};
        expect({ where: `${r.label} ${app}`, keys: ['checksum/config', 'checksum/secret'].filter((k) => /^[0-9a-f]{64}$/.test(a[k] ?? '')) }).toEqual({
          where: `${r.label} ${app}`,
          keys: ['checksum/config', 'checksum/secret'],
        });
      }
      if (ofKind(r.objects, 'StatefulSet').length) expect(podOf(r.objects, 'StatefulSet', 'postgresql').metadata.annotations?.['checksum/secret']).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  test('a changed setting changes only the checksum of the component it configures; a changed secret changes checksum/secret', async () => {
    const pin = { ...GIVEN };
    const [base, apiLog, webTtl, newJwt] = await Promise.all([
      render('default', { set: pin }),
      render('default', { set: { ...pin, 'api.logLevel': 'debug' } }),
      render('default', { set: { ...pin, 'web.apiTokenTtlSeconds': 120 } }),
      render('default', { set: { ...pin, 'auth.jwtSecret': 'another-jwt-secret-0123456789abcdef0123456789' } }),
    ]);
    const sum = (r: Rendered, app: string, k: string) => podOf(r.objects, 'Deployment', app).metadata.annotations?.[k];
    expect(sum(apiLog, 'api', 'checksum/config')).not.toBe(sum(base, 'api', 'checksum/config'));
    expect(sum(apiLog, 'web', 'checksum/config')).toBe(sum(base, 'web', 'checksum/config'));
    expect(sum(webTtl, 'web', 'checksum/config')).not.toBe(sum(base, 'web', 'checksum/config'));
    expect(sum(webTtl, 'api', 'checksum/config')).toBe(sum(base, 'api', 'checksum/config'));
    for (const app of ['web', 'api']) {
      expect(sum(newJwt, app, 'checksum/secret')).not.toBe(sum(base, app, 'checksum/secret'));
      expect(sum(base, app, 'checksum/secret')).toBe(sum(await render('default', { set: pin }), app, 'checksum/secret'));
    }
    // PostgreSQL restarts for its own password only, not for an app secret.
    const pgSum = (r: Rendered) => podOf(r.objects, 'StatefulSet', 'postgresql').metadata.annotations?.['checksum/secret'];
    expect(pgSum(newJwt)).toBe(pgSum(base));
    const newPassword = await render('default', { set: { ...pin, 'postgresql.auth.password': 'another0password0123456789' } });
    expect(pgSum(newPassword)).not.toBe(pgSum(base));
  });
});

/** Every secretKeyRef of every container: [where, env name, ref]. */
const secretRefs = (r: Rendered) =>
  podSpecs(r.objects).flatMap((pod) =>
    containers(pod).flatMap((c) =>
      [...resolvedEnv(r.objects, c).values()].filter((e) => e.secretKeyRef).map((e) => ({ where: `${r.label} ${id(pod.owner)} ${c.name} ${e.name}`, name: e.name, ref: e.secretKeyRef! })),
    ),
  );

test('every secretKeyRef resolves: a key of a Secret in the render, or of a configured existingSecret', () => {
  for (const r of all()) {
    const v = caseValues(r.caseName);
    const existing = new Set([v.auth.existingSecret, v.postgresql.auth.existingSecret, v.llm.existingSecret, v.externalDatabase.existingSecret, 'auth-s', 'pg-s', 'llm-s', 'db-s'].filter(Boolean));
    for (const { where, ref } of secretRefs(r)) {
      const data = secretData(r.objects, ref.name);
      if (data) expect({ where, key: ref.key, present: ref.key in data }).toEqual({ where, key: ref.key, present: true });
      else expect({ where, external: existing.has(ref.name) }).toEqual({ where, external: true });
    }
  }
});

describe('existingSecret (ci/existing-secret-values.yaml)', () => {
  test('the chart renders no Secret and no value for those secrets', () => {
    for (const r of [...renders.filter((x) => x.caseName === 'existing-secret'), ...separateSecrets]) {
      expect({ where: r.label, secrets: ofKind(r.objects, 'Secret').map(id) }).toEqual({ where: r.label, secrets: [] });
    }
  });

  test('every secretKeyRef points at the existing Secret with the configured key name', () => {
    const checks: [Rendered[], Record<string, [string, string]>][] = [
      [
        renders.filter((x) => x.caseName === 'existing-secret'),
        {
          JWT_SECRET: ['todo-secrets', 'jwt-secret'],
          BETTER_AUTH_SECRET: ['todo-secrets', 'better-auth-secret'],
          DATABASE_PASSWORD: ['todo-secrets', 'postgres-password'],
          POSTGRES_PASSWORD: ['todo-secrets', 'postgres-password'],
          OPENAI_API_KEY: ['todo-secrets', 'openai-api-key'],
        },
      ],
      [
        separateSecrets,
        {
          JWT_SECRET: ['auth-s', 'jwt-k'],
          BETTER_AUTH_SECRET: ['auth-s', 'ba-k'],
          DATABASE_PASSWORD: ['pg-s', 'pg-k'],
          POSTGRES_PASSWORD: ['pg-s', 'pg-k'],
          OPENAI_API_KEY: ['llm-s', 'llm-k'],
        },
      ],
    ];
    for (const [rs, expected] of checks) {
      for (const r of rs) {
        const refs = secretRefs(r);
        expect(new Set(refs.map((x) => x.name))).toEqual(new Set(Object.keys(expected)));
        for (const { where, name, ref } of refs) expect({ where, ref: [ref.name, ref.key] }).toEqual({ where, ref: expected[name] });
        // The api gets the LLM key (llm.existingSecret), and DATABASE_URL is composed from the existing password.
        const api = resolvedEnv(r.objects, appContainer(r.objects, 'api'));
        expect(api.get('OPENAI_API_KEY')?.secretKeyRef).toBeDefined();
        expect(api.get('DATABASE_URL')?.value).toContain('$(DATABASE_PASSWORD)');
      }
    }
  });
});

describe('external database', () => {
  const externals = () => [...renders.filter((x) => x.caseName === 'external-database'), ...externalWithPassword, externalExisting];

  test('no PostgreSQL in the release: no StatefulSet, Service, ServiceAccount, NetworkPolicy or password', () => {
    for (const r of externals()) {
      const pg = r.objects.filter((o) => o.metadata.labels?.['app.kubernetes.io/component'] === 'postgresql' || o.kind === 'StatefulSet').map(id);
      expect({ where: r.label, pg }).toEqual({ where: r.label, pg: [] });
      for (const s of ofKind(r.objects, 'Secret')) expect(Object.keys(secretData(r.objects, s.metadata.name)!)).not.toContain('postgres-password');
      for (const { name } of secretRefs(r)) expect(name).not.toMatch(/PASSWORD/);
    }
  });

  test('DATABASE_URL of web, api and the Job comes from the Secret holding externalDatabase.url', () => {
    for (const r of [...renders.filter((x) => x.caseName === 'external-database'), ...externalWithPassword]) {
      const url = caseValues(r.caseName).externalDatabase.url as string;
      const expectedUrl = externalWithPassword.includes(r) ? EXTERNAL_URL : url;
      for (const pod of podSpecs(r.objects).filter((p) => !p.owner.metadata.annotations?.['helm.sh/hook']?.includes('test'))) {
        for (const c of containers(pod)) {
          const e = resolvedEnv(r.objects, c).get('DATABASE_URL');
          const where = `${r.label} ${id(pod.owner)} ${c.name}`;
          expect({ where, literal: e?.value, ref: Boolean(e?.secretKeyRef) }).toEqual({ where, literal: undefined, ref: true });
          expect({ where, url: secretData(r.objects, e!.secretKeyRef!.name)?.[e!.secretKeyRef!.key] }).toEqual({ where, url: expectedUrl });
        }
      }
    }
    for (const { ref, name } of secretRefs(externalExisting).filter((x) => x.name === 'DATABASE_URL')) expect([name, ref]).toEqual(['DATABASE_URL', { name: 'db-s', key: 'db-k' }]);
  });

  test('web, api and the Job may reach the configured database port through NetworkPolicy egress', () => {
    for (const r of externals()) {
      const port = externalWithPassword.includes(r) ? 6543 : caseValues(r.caseName).externalDatabase.egress.port;
      for (const component of ['web', 'api', 'migrations']) {
        const pod = podSpecs(r.objects).find((p) => p.metadata.labels?.['app.kubernetes.io/component'] === component)!;
        expect({ where: `${r.label} ${component}`, ports: ipBlockEgress(r.objects, pod).flatMap((x) => x.ports) }).toEqual({ where: `${r.label} ${component}`, ports: expect.arrayContaining([port]) });
      }
    }
    expect(getObject(externalWithPassword[0]!.objects, 'NetworkPolicy', `${FULLNAME}-api`)).toBeDefined();
  });

  test('a URL on another port than externalDatabase.egress.port fails the render instead of being silently blocked', async () => {
    await expect(render('external-database', { set: { 'externalDatabase.url': EXTERNAL_URL } })).rejects.toThrow(
      /EXTERNAL DATABASE: externalDatabase.url connects to port 6543, but the NetworkPolicy opens externalDatabase.egress.port 5432/,
    );
    await expect(render('external-database', { set: { 'externalDatabase.url': 'postgres://u:p@[2001:db8::1]:5433/todo' } })).rejects.toThrow(/port 5433/);
    // No port in the URL means 5432; without NetworkPolicies there is nothing to disagree with.
    await expect(render('external-database', { set: { 'externalDatabase.url': 'postgresql://u:p@db.example.com/todo?sslmode=require' } })).resolves.toBeDefined();
    await expect(render('external-database', { set: { 'externalDatabase.url': EXTERNAL_URL, 'networkPolicy.enabled': false } })).resolves.toBeDefined();
  });
});
