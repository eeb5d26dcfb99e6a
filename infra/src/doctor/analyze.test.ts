// The checks, one finding type at a time, over hand-written `kubectl get -o json` fixtures.
import { loadScenario } from './__fixtures__/scenarios';
import { analyze } from './analyze';
import type { Finding, FindingKind } from './findings';
import { redact } from './snapshot';

const findings = (scenario: string) => analyze(loadScenario(scenario));
const only = (list: Finding[], kind: FindingKind) => list.filter((f) => f.kind === kind);
const one = (list: Finding[], kind: FindingKind) => {
  const found = only(list, kind);
  if (found.length !== 1) throw new Error(`expected one ${kind} finding, got ${found.length}: ${JSON.stringify(list.map((f) => f.kind))}`);
  return found[0]!;
};
const text = (f: Finding) => [f.title, ...f.details, ...f.fix].join('\n');

describe('a healthy release', () => {
  test('has no findings, although its api once failed readiness while starting', () => {
    expect(findings('healthy')).toEqual([]);
  });
});

describe('a fresh Minikube (minikube-trouble)', () => {
  const list = findings('minikube-trouble');

  test('image missing in the cluster: names the image and says how to load it into Minikube', () => {
    const f = one(list, 'image-pull');
    expect(f.severity).toBe('critical');
    expect(f.object).toBe('Deployment/todo-todo-chatbot-api');
    expect(f.title).toContain('todo-api:nx-3f9c2a1b');
    expect(f.details.join('\n')).toContain('pull access denied for todo-api');
    expect(f.fix).toContain('The image is not inside Minikube. Load it: minikube image load todo-api:nx-3f9c2a1b');
    expect(f.fix.join('\n')).toContain('npm run nx -- run infra:deploy');
  });

  test('Pending for lack of CPU: quotes the scheduler, suggests lower requests or a bigger Minikube', () => {
    const f = one(list, 'pending-resources');
    expect(f.object).toBe('Deployment/todo-todo-chatbot-web');
    expect(f.title).toContain('enough free cpu');
    expect(f.details.join('\n')).toContain('0/1 nodes are available: 1 Insufficient cpu.');
    expect(f.details.join('\n')).toContain('(x2)'); // events.k8s.io series count
    expect(text(f)).toContain('--reuse-values --set web.resources.requests.cpu=50m');
    expect(text(f)).toContain('minikube start --cpus=4 --memory=8g');
  });

  test('Pending on an unbound claim: quotes the provisioner and points at the storage class', () => {
    const f = one(list, 'pending-volume');
    expect(f.object).toBe('StatefulSet/todo-todo-chatbot-postgresql');
    expect(f.details.join('\n')).toContain('storageclass.storage.k8s.io "fast" not found');
    expect(text(f)).toContain('postgresql.persistence.storageClass=<class>');
    expect(text(f)).toContain('minikube addons enable default-storageclass');
  });

  test('a readiness probe answering 503 on /api/readyz is read as "database unreachable"', () => {
    const f = one(list, 'probe-failing');
    expect(f.object).toBe('Deployment/todo-todo-chatbot-web');
    expect(f.title).toContain('GET /api/readyz');
    expect(f.title).toContain('cannot use its database');
    expect(f.details.join('\n')).toContain('statuscode: 503 (x103)');
  });

  test('the migration Job still waiting for the database after 9 minutes is stuck', () => {
    const f = one(list, 'migration-stuck');
    expect(f.severity).toBe('warning');
    expect(f.title).toBe('The database migration Job has been running for 9 minutes, still waiting for the database.');
    expect(f.details.join('\n')).toContain('todo-todo-chatbot-postgresql:5432 - no response');
  });

  test('HPA without metrics: metrics-server missing → enable the Minikube addon', () => {
    const f = one(list, 'hpa-no-metrics');
    expect(f.object).toBe('HorizontalPodAutoscaler/todo-todo-chatbot-web');
    expect(f.details[0]).toContain('metrics-server is not installed');
    expect(f.details.join('\n')).toContain('FailedGetResourceMetric');
    expect(f.fix[0]).toBe('Enable metrics-server (takes a minute to report): minikube addons enable metrics-server');
  });

  test('Ingress without a controller: no IngressClass "nginx" → enable the ingress addon', () => {
    const f = one(list, 'ingress-no-controller');
    expect(f.title).toContain('no IngressClass "nginx"');
    expect(f.title).toContain('http://todo.local');
    expect(f.fix[0]).toBe('Enable the NGINX Ingress controller: minikube addons enable ingress');
  });

  test('a Service whose pods exist but are not ready is a warning, not a selector problem', () => {
    const f = one(list, 'service-no-endpoints');
    expect(f.severity).toBe('warning');
    expect(f.object).toBe('Service/todo-todo-chatbot-api');
  });

  test('a failed first install has no revision to roll back to', () => {
    const f = one(list, 'release-failed');
    expect(f.details[0]).toBe('helm status: Release "todo" failed: context deadline exceeded');
    expect(text(f)).not.toContain('helm rollback');
  });

  test('criticals come first', () => {
    const severities = list.map((f) => f.severity);
    expect(severities).toEqual([...severities].sort((a, b) => ['critical', 'warning', 'info'].indexOf(a) - ['critical', 'warning', 'info'].indexOf(b)));
  });
});

describe('bad configuration (config-trouble)', () => {
  const list = findings('config-trouble');

  test('CrashLoopBackOff: last log lines, and the variable the app names mapped to its Secret key', () => {
    const f = one(list, 'crash-loop');
    expect(f.object).toBe('Deployment/todo-todo-chatbot-api');
    expect(f.title).toContain('JWT_SECRET must be at least 32 bytes');
    expect(f.details).toContain('  | todo-api: invalid configuration:');
    expect(f.details[0]).toContain('6 restarts, last exit code 2 (Error)');
    expect(text(f)).toContain('auth.existingSecret (key auth.existingSecretKeys.jwtSecret)');
    expect(f.fix.at(-1)).toBe('kubectl logs todo-todo-chatbot-api-58c7d9b6f4-hx9lp -c api -n todo --context minikube --previous');
  });

  test('a key missing from an existing Secret: which key, who needs it, a patch that keeps the others', () => {
    const f = one(list, 'secret-key-missing');
    expect(f.object).toBe('Secret/todo-auth');
    expect(f.title).toBe('The Secret todo-auth has no key "better-auth-secret", which BETTER_AUTH_SECRET of web needs.');
    expect(f.details).toContain('keys it has: jwt-secret');
    expect(f.details).toContain("kubelet: couldn't find key better-auth-secret in Secret todo/todo-auth");
    expect(f.fix[0]).toBe(`Add the key (other keys stay): kubectl patch secret todo-auth -n todo --context minikube --type merge -p '{"stringData":{"better-auth-secret":"<value>"}}'`);
    // the kubelet's CreateContainerConfigError is not reported a second time
    expect(only(list, 'config-error')).toEqual([]);
  });

  test('the failed migration Job, with its logs and what they mean', () => {
    const f = one(list, 'migration-failed');
    expect(f.title).toBe('The database migration Job failed (BackoffLimitExceeded): the app refused to start because its configuration is incomplete: JWT_SECRET must be at least 32 bytes.');
    expect(f.details.join('\n')).toContain('last log lines of todo-todo-chatbot-migrate-install-5mfzt (migrate-api):');
    expect(text(f)).toContain('kubectl logs job/todo-todo-chatbot-migrate-install -n todo --context minikube --all-containers --tail=50');
  });

  test('caught between back-offs (running again, not ready, restarted after failures) it is still a crash loop with its log', () => {
    const snapshot = loadScenario('config-trouble');
    const pod = snapshot.objects.pods.find((p) => p.metadata.name === 'todo-todo-chatbot-api-58c7d9b6f4-hx9lp')!;
    const status = pod.status.containerStatuses![0]!;
    status.state = { running: { startedAt: '2026-03-04T10:04:58Z' } };
    const f = one(analyze(snapshot), 'crash-loop');
    expect(f.title).toContain('keeps crashing (6 restarts): ');
    expect(f.title).toContain('JWT_SECRET must be at least 32 bytes');
    expect(f.details[0]).toContain('running, 6 restarts, last exit code 2 (Error)');
  });

  test('a pod still within its startup allowance (startup probe failing, not started, never restarted) is not a finding', () => {
    const snapshot = loadScenario('healthy');
    const pod = snapshot.objects.pods.find((p) => p.metadata.labels?.['app.kubernetes.io/component'] === 'api')!;
    const status = pod.status.containerStatuses![0]!;
    const ago = (s: number) => new Date(Date.parse(snapshot.collectedAt) - s * 1000).toISOString();
    Object.assign(status, { ready: false, started: false, restartCount: 0, state: { running: { startedAt: ago(4) } } });
    // A container just started has no readiness history yet (the recording's pod has some).
    snapshot.events = snapshot.events.filter((e) => e.involvedObject.name !== pod.metadata.name);
    snapshot.events.push({
      reason: 'Unhealthy',
      type: 'Warning',
      message: 'Startup probe failed: Get "http://10.244.0.9:8000/healthz": dial tcp 10.244.0.9:8000: connect: connection refused',
      involvedObject: { kind: 'Pod', name: pod.metadata.name, fieldPath: `spec.containers{${status.name}}` },
      count: 2,
      lastTimestamp: ago(2),
      metadata: { name: 'startup-event', creationTimestamp: ago(2) },
    } as never);
    expect(only(analyze(snapshot), 'probe-failing')).toEqual([]);
    status.restartCount = 1; // past its allowance: the kubelet restarted it
    expect(only(analyze(snapshot), 'probe-failing')).toHaveLength(1);
  });

  test('the Job pods that exited are not reported as crash loops', () => {
    expect(only(list, 'crash-loop').map((f) => f.object)).toEqual(['Deployment/todo-todo-chatbot-api']);
  });
});

describe('a running release gone wrong (runtime-trouble, not Minikube)', () => {
  const list = findings('runtime-trouble');

  test('a Secret that does not exist: who needs it and how to create it', () => {
    const f = one(list, 'secret-missing');
    expect(f.object).toBe('Secret/todo-db');
    expect(f.details).toEqual(
      expect.arrayContaining([
        'needed by Deployment/todo-todo-chatbot-api (POSTGRES_PASSWORD of api)',
        'needed by StatefulSet/todo-todo-chatbot-postgresql (POSTGRES_PASSWORD of postgresql)',
        'kubelet: secret "todo-db" not found',
      ]),
    );
    expect(f.fix[0]).toBe('Create it (an existingSecret of the values): kubectl create secret generic todo-db -n todo --context kind-todo --from-literal=postgres-password=<value>');
  });

  test('OOMKilled in the past, running now: a warning to raise the limit', () => {
    const f = one(list, 'oom-killed');
    expect(f.severity).toBe('warning');
    expect(f.title).toContain('at its 384Mi limit');
    expect(f.fix[0]).toContain('--set web.resources.limits.memory=768Mi');
    expect(f.fix[0]).toContain('--kube-context kind-todo');
  });

  test('readiness 503 on the api /readyz while its database cannot start', () => {
    const f = one(list, 'probe-failing');
    expect(f.object).toBe('Deployment/todo-todo-chatbot-api');
    expect(f.title).toContain('GET /readyz on port http');
    // the web's old "connection refused" failure is history: web is ready now
    expect(list.filter((x) => x.kind === 'probe-failing' && x.object.includes('web'))).toEqual([]);
  });

  test('a Service whose selector matches no pod is critical, with the pods\' real labels', () => {
    const f = only(list, 'service-no-endpoints').find((x) => x.object === 'Service/todo-todo-chatbot-web')!;
    expect(f.severity).toBe('critical');
    expect(f.title).toContain('app.kubernetes.io/component=frontend');
    expect(f.details.join('\n')).toContain('pod todo-todo-chatbot-web-5c4b3a2d1e-p9g6r has app.kubernetes.io/component=web');
  });

  test('NetworkPolicies that restrict egress without DNS', () => {
    const f = one(list, 'dns-egress-blocked');
    expect(f.title).toContain('3 pod(s)');
    expect(f.fix[0]).toContain('todo-todo-chatbot-allow-dns');
  });

  test('a cluster that is not Minikube gets no Minikube commands', () => {
    expect(list.map(text).join('\n')).not.toMatch(/minikube /);
  });

  test('a deployed release says nothing about Helm', () => {
    expect(list.filter((f) => f.kind.startsWith('release-'))).toEqual([]);
  });
});

describe('release not found', () => {
  test('no Helm release and no objects: one critical finding saying where to look', () => {
    const list = findings('not-deployed');
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ kind: 'release-not-found', severity: 'critical', object: 'Release/todo' });
    expect(list[0]!.fix).toEqual(['Look for it elsewhere (another namespace or context?): helm list -A --kube-context minikube', 'Or deploy it: npm run nx -- run infra:deploy']);
  });

  test('a pending Helm operation is a warning with the rollback that clears it', () => {
    const snapshot = loadScenario('runtime-trouble');
    snapshot.helm.status!.info.status = 'pending-upgrade';
    const f = one(analyze(snapshot), 'release-pending');
    expect(f.fix[0]).toContain('helm rollback todo 2 -n todo --kube-context kind-todo');
  });
});

describe('several replicas with the same problem', () => {
  test('are one finding listing each pod', () => {
    const snapshot = loadScenario('minikube-trouble');
    const api = snapshot.objects.pods.find((p) => p.metadata.name.startsWith('todo-todo-chatbot-api'))!;
    snapshot.objects.pods.push({ ...api, metadata: { ...api.metadata, name: 'todo-todo-chatbot-api-6d9f7c8b54-zz9zz' } });
    const f = one(analyze(snapshot), 'image-pull');
    expect(f.details.filter((d) => d.startsWith('pod '))).toEqual([
      'pod todo-todo-chatbot-api-6d9f7c8b54-q7r2d, container api: ImagePullBackOff',
      'pod todo-todo-chatbot-api-6d9f7c8b54-zz9zz, container api: ImagePullBackOff',
    ]);
  });
});

describe('redact', () => {
  test('hides URL passwords and secret-looking assignments in log lines', () => {
    expect(redact('could not connect to postgresql://todo:hunter2@db:5432/todo')).toBe('could not connect to postgresql://todo:***@db:5432/todo');
    expect(redact('JWT_SECRET=abc123 POSTGRES_PASSWORD=x other=1')).toBe('JWT_SECRET=*** POSTGRES_PASSWORD=*** other=1');
    expect(redact('Authorization: Bearer sk-abcdefghijklmnop')).toBe('Authorization: Bearer ***');
  });
});
