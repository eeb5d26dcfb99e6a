// The collector against a fake kubectl and a fake helm: real processes on PATH that print
// the fixture scenarios and record how they were called. Unreachable clusters are tried
// with the real kubectl and a kubeconfig whose API server refuses connections.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kubectl, KubectlError, resolveKubectlBinary } from '@todo/kube';
import { loadScenario, writeFakeTools, type FakeTools } from './__fixtures__/scenarios';
import { CannotInspect, RELEASE_KINDS, collect, kubectlArgs, logTargets } from './collect';

let fakes: FakeTools;
let tmp: string;
beforeAll(() => {
  fakes = writeFakeTools();
  tmp = mkdtempSync(path.join(tmpdir(), 'doctor-collect-'));
});
afterAll(() => {
  rmSync(fakes.bin, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
});
beforeEach(() => fakes.reset());

const kubectlCalls = () => fakes.calls().filter((c) => c[0] === 'kubectl').map((c) => c.slice(1));
const helmCalls = () => fakes.calls().filter((c) => c[0] === 'helm').map((c) => c.slice(1));

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

describe('collect', () => {
  test('reads a release into the same snapshot the fixtures describe', async () => {
    const snapshot = await collect({ release: 'todo', namespace: 'todo', env: fakes.env('config-trouble') });
    const expected = loadScenario('config-trouble');
    expect(snapshot.context).toBe('minikube');
    expect(snapshot.server).toBe('https://192.168.49.2:8443');
    expect(snapshot.objects).toEqual(expected.objects);
    expect(snapshot.events).toEqual(expected.events);
    expect(snapshot.secrets).toEqual([
      { name: 'sh.helm.release.v1.todo.v1', type: 'helm.sh/release.v1', keys: ['release'] },
      { name: 'todo-auth', type: 'Opaque', keys: ['jwt-secret'] },
      { name: 'todo-db', type: 'Opaque', keys: ['database-url'] },
    ]);
    expect(snapshot.metrics).toEqual({ available: true });
    expect(snapshot.helm).toEqual(expected.helm);
    expect(snapshot.logs).toEqual(expected.logs);
    expect(snapshot.gaps).toEqual([]);
  });

  test('runs exactly these kubectl commands: one labelled get, events, secret key names, metrics, logs', async () => {
    await collect({ release: 'todo', namespace: 'todo', env: fakes.env('config-trouble') });
    const calls = kubectlCalls();
    const api = ['--request-timeout', '15s'];
    expect(calls.slice(0, 2)).toEqual([
      ['config', 'current-context'],
      ['--context', 'minikube', 'config', 'view', '--minify', '--output', 'jsonpath={.clusters[0].cluster.server}'],
    ]);
    expect(calls[2]).toEqual([
      '--context', 'minikube', ...api,
      'get', RELEASE_KINDS, '--namespace', 'todo', '--selector', 'app.kubernetes.io/instance=todo', '--output', 'json',
    ]);
    expect(RELEASE_KINDS.split(',')).toEqual(['pods', 'deployments', 'statefulsets', 'jobs', 'cronjobs', 'horizontalpodautoscalers', 'ingresses', 'services', 'endpoints', 'persistentvolumeclaims', 'networkpolicies']);
    const rest = calls.slice(3).map((c) => c.slice(4)); // without --context and --request-timeout
    expect(rest).toEqual(
      expect.arrayContaining([
        ['get', 'events', '--namespace', 'todo', '--output', 'json'],
        ['get', 'secrets', '--namespace', 'todo', '--output', expect.stringMatching(/^go-template=\{\{range \.items\}\}/)],
        ['get', 'apiservice', 'v1beta1.metrics.k8s.io', '--output', 'json'],
        ['logs', 'todo-todo-chatbot-api-58c7d9b6f4-hx9lp', '--namespace', 'todo', '--container', 'api', '--tail=20', '--previous'],
        ['logs', 'todo-todo-chatbot-migrate-install-5mfzt', '--namespace', 'todo', '--container', 'migrate-api', '--tail=20'],
      ]),
    );
    // no Ingress in the release: the cluster's IngressClasses are not asked for
    expect(rest.some((c) => c[1] === 'ingressclasses')).toBe(false);
    // Secrets: only the go-template that prints key names; never JSON or YAML with values
    const secretCalls = calls.filter((c) => c.includes('secrets'));
    expect(secretCalls).toHaveLength(1);
    expect(secretCalls[0]!.join(' ')).not.toMatch(/--output (json|yaml)|\{\{\s*\.data\s*\}\}|\{\{\s*\$v\s*\}\}/);
    expect(calls.length).toBe(3 + 3 + 3); // config x2, objects; events, secrets, metrics; 3 logs
  });

  test('passes --context, --kubeconfig, and asks helm with the same context and namespace', async () => {
    const kubeconfig = path.join(tmp, 'kubeconfig');
    writeFileSync(kubeconfig, '');
    await collect({ release: 'todo', namespace: 'todo', context: 'minikube', kubeconfig, env: fakes.env('minikube-trouble') });
    const calls = kubectlCalls();
    expect(calls.every((c) => c[0] === '--context' && c[1] === 'minikube' && c[2] === '--kubeconfig' && c[3] === kubeconfig)).toBe(true);
    expect(calls.some((c) => c.includes('current-context'))).toBe(false); // given, not looked up
    expect(calls.map((c) => c.slice(4))).toContainEqual(['--request-timeout', '15s', 'get', 'ingressclasses', '--output', 'json']);
    expect(helmCalls()).toEqual(
      expect.arrayContaining([
        ['status', 'todo', '--kube-context=minikube', `--kubeconfig=${kubeconfig}`, '--namespace=todo', '--output', 'json'],
        ['history', 'todo', '--max=5', '--kube-context=minikube', `--kubeconfig=${kubeconfig}`, '--namespace=todo', '--output', 'json'],
      ]),
    );
  });

  test('log lines come as printed (restarted containers: the run before); a missing metrics API is "not installed"', async () => {
    const snapshot = await collect({ release: 'todo', namespace: 'todo', env: fakes.env('runtime-trouble') });
    expect(snapshot.logs).toEqual([
      {
        pod: 'todo-todo-chatbot-web-5c4b3a2d1e-p9g6r',
        container: 'web',
        previous: true,
        lines: ['  ▲ Next.js 16.4.6', '  - Local:        http://todo-todo-chatbot-web-5c4b3a2d1e-p9g6r:3000', ' ✓ Ready in 412ms'],
      },
    ]);
    const minikube = await collect({ release: 'todo', namespace: 'todo', env: fakes.env('minikube-trouble') });
    expect(minikube.metrics).toEqual({ available: false, reason: 'metrics-server is not installed (no APIService v1beta1.metrics.k8s.io)' });
    expect(minikube.logs).toEqual([{ pod: 'todo-todo-chatbot-migrate-install-9bq4m', container: 'wait-for-database', previous: false, lines: expect.arrayContaining(['todo-todo-chatbot-postgresql:5432 - no response']) }]);
  });

  test('a release helm does not know: notFound, not a gap', async () => {
    const snapshot = await collect({ release: 'todo', namespace: 'todo', env: fakes.env('not-deployed') });
    expect(snapshot.helm).toEqual({ error: 'release: not found', notFound: true });
    expect(snapshot.gaps).toEqual([]);
  });

  test('an unknown context fails before any API call, naming the context', async () => {
    const err = await rejection(collect({ release: 'todo', namespace: 'todo', context: 'prod', env: fakes.env('healthy') }));
    expect(err).toBeInstanceOf(CannotInspect);
    expect((err as CannotInspect).message).toBe('could not reach the cluster: error: context was not found for specified context: prod');
    expect((err as CannotInspect).context).toBe('prod');
  });

  test('an unreachable API server (real kubectl, a kubeconfig pointing at a closed port) is CannotInspect with the kubeconfig and server', async () => {
    const realKubectl = await resolveKubectlBinary({ env: { ...process.env, KUBECTL_BIN: undefined } });
    const kubeconfig = path.join(tmp, 'offline-kubeconfig');
    writeFileSync(
      kubeconfig,
      `apiVersion: v1
kind: Config
clusters: [{ name: offline, cluster: { server: "https://127.0.0.1:1" } }]
users: [{ name: offline, user: { token: unused } }]
contexts: [{ name: offline, context: { cluster: offline, user: offline } }]
current-context: offline
`,
    );
    const err = await rejection(collect({ release: 'todo', namespace: 'todo', kubeconfig, env: { ...process.env, KUBECTL_BIN: realKubectl.path }, skipHelm: true }));
    expect(err).toBeInstanceOf(CannotInspect);
    const e = err as CannotInspect;
    expect(e.message).toMatch(/^could not reach the cluster: .*127\.0\.0\.1:1.*refused/);
    expect(e.context).toBe('offline');
    expect(e.server).toBe('https://127.0.0.1:1');
    expect(e.kubeconfig).toBe(kubeconfig);
    expect(e.command).toContain(`--kubeconfig ${kubeconfig}`);
  });
});

describe('logTargets', () => {
  test('crash-looping containers (previous run) and Job containers (current run), nothing else', () => {
    expect(logTargets(loadScenario('healthy').objects.pods)).toEqual([]);
    expect(logTargets(loadScenario('config-trouble').objects.pods)).toEqual([
      { pod: 'todo-todo-chatbot-api-58c7d9b6f4-hx9lp', container: 'api', previous: true },
      { pod: 'todo-todo-chatbot-migrate-install-5mfzt', container: 'migrate-api', previous: false },
      { pod: 'todo-todo-chatbot-migrate-install-q8d2w', container: 'migrate-api', previous: false },
    ]);
  });
});

describe('kubectl runner', () => {
  test('KUBECTL_BIN wins over PATH; one that does not exist is an error, not a fallback', async () => {
    const env = fakes.env('healthy');
    expect(await resolveKubectlBinary({ env })).toEqual({ path: path.join(fakes.bin, 'kubectl'), source: 'path' });
    expect(await resolveKubectlBinary({ env: { ...env, KUBECTL_BIN: process.execPath } })).toEqual({ path: process.execPath, source: 'env' });
    await expect(resolveKubectlBinary({ env: { ...env, KUBECTL_BIN: '/nonexistent/kubectl' } })).rejects.toThrow('kubectl binary "/nonexistent/kubectl" from KUBECTL_BIN is not an executable file');
  });

  test('a failing command is a KubectlError quoting kubectl and naming the command', async () => {
    const kubectl = await Kubectl.create({ env: fakes.env('healthy') });
    const err = await rejection(kubectl.run(['get', 'widgets']));
    expect(err).toBeInstanceOf(KubectlError);
    const e = err as KubectlError;
    expect(e.exitCode).toBe(1);
    expect(e.kubectlMessage).toBe('error: the fake kubectl does not know: get widgets');
    expect(e.message).toBe(`kubectl get exited with 1: error: the fake kubectl does not know: get widgets\n  command: ${path.join(fakes.bin, 'kubectl')} get widgets`);
    expect(e.unreachable).toBe(false);
    expect(kubectlArgs.logs({ namespace: 'n', pod: 'p', container: 'c', previous: false, tail: 5 })).toEqual(['logs', 'p', '--namespace', 'n', '--container', 'c', '--tail=5']);
  });
});
