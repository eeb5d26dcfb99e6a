// The API against the real helm binary, with fixture charts and a kubeconfig whose API server
// refuses connections, so no test needs a cluster. The helm is the workspace-pinned one, so
// results do not depend on PATH; HELM_BIN=/path/to/helm runs them against another helm
// (expect some of helm's messages to differ in helm 3).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Helm, HelmError, resolveHelmBinary, type K8sObject } from './index';

const fixture = (name: string) => path.join(__dirname, '__fixtures__', name);
const tiny = fixture('tiny');
let helm: Helm;
let tmp: string;
let offlineKubeconfig: string;

beforeAll(async () => {
  const chosen = await resolveHelmBinary({ env: { ...process.env, PATH: '' } });
  helm = await Helm.create({ helmBin: chosen.path });
  tmp = mkdtempSync(path.join(tmpdir(), 'helm-test-'));
  offlineKubeconfig = path.join(tmp, 'kubeconfig');
  writeFileSync(
    offlineKubeconfig,
    `apiVersion: v1
kind: Config
clusters: [{ name: offline, cluster: { server: "https://127.0.0.1:1" } }]
users: [{ name: offline, user: { token: unused } }]
contexts: [{ name: offline, context: { cluster: offline, user: offline } }]
current-context: offline
`,
  );
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The rejection of `promise`, which must be a HelmError. */
async function helmError(promise: Promise<unknown>): Promise<HelmError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof HelmError)) throw new Error(`expected a HelmError, got ${String(err)}`);
  return err;
}

const byKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);

describe('version', () => {
  test('reports the version of the binary it runs', async () => {
    expect(await helm.version()).toBe(helm.binary.version);
  });
});

describe('lint', () => {
  test('a clean chart passes, even with --strict, and returns the findings', async () => {
    const findings = await helm.lint(tiny, { strict: true });
    expect(findings).toContainEqual({ severity: 'INFO', message: 'Chart.yaml: icon is recommended' });
    expect(findings.filter((f) => f.severity !== 'INFO')).toEqual([]);
  });

  test('a template error is a HelmError naming the command and the lint error', async () => {
    const err = await helmError(helm.lint(fixture('broken')));
    expect(err.exitCode).toBe(1);
    expect(err.args.slice(0, 2)).toEqual(['lint', fixture('broken')]);
    expect(err.helmMessage).toBe('Error: 1 chart(s) linted, 1 chart(s) failed');
    expect(err.details).toEqual([expect.stringMatching(/^\[ERROR\] templates\/: parse error .*function "notAFunction" not defined/)]);
    expect(err.message).toContain('function "notAFunction" not defined');
    expect(err.message).toContain(`command: ${helm.binary.path} lint ${fixture('broken')}`);
  });

  test('a warning passes without strict and fails with it', async () => {
    const findings = await helm.lint(fixture('no-templates'));
    expect(findings).toContainEqual({ severity: 'WARNING', message: 'templates/: directory does not exist' });
    const err = await helmError(helm.lint(fixture('no-templates'), { strict: true }));
    expect(err.args).toContain('--strict');
    expect(err.details).toEqual(['[WARNING] templates/: directory does not exist']);
  });

  test('values reach the lint, and multi-line findings stay whole', async () => {
    const err = await helmError(helm.lint(tiny, { set: { replicas: 0 } }));
    expect(err.args).toEqual(expect.arrayContaining(['--set', 'replicas=0']));
    expect(err.details).toContain("[ERROR] values.yaml: - at '/replicas': minimum: got 0, want 1");
    expect(err.details).toContainEqual(expect.stringMatching(/^\[ERROR\] templates\/: values don't meet .*\ntiny:\n- at '\/replicas'/));
  });
});

describe('template', () => {
  test('parses every rendered object with kind, name and the release namespace', async () => {
    const objects = await helm.template(tiny, { release: 'demo', namespace: 'shop' });
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/demo-tiny',
      'Deployment/demo-tiny',
      'Pod/demo-tiny-test',
      'Service/demo-tiny',
    ]);
    expect(new Set(objects.map((o) => o.metadata.namespace))).toEqual(new Set(['shop']));
    const [deployment] = byKind(objects, 'Deployment');
    expect(deployment?.['spec']).toMatchObject({ replicas: 1, selector: { matchLabels: { 'app.kubernetes.io/instance': 'demo' } } });
  });

  test('values files and set override the chart defaults, typed as given', async () => {
    const valuesFile = path.join(tmp, 'values.yaml');
    writeFileSync(valuesFile, 'replicas: 5\ngreeting: from-file\nservice:\n  enabled: false\n');
    const objects = await helm.template(tiny, {
      values: [valuesFile],
      set: { greeting: '123', replicas: 3 },
      setJson: { extra: { list: [1, 'two'] } },
    });
    expect(byKind(objects, 'Service')).toEqual([]); // from the file
    expect(byKind(objects, 'Deployment')[0]?.['spec']).toMatchObject({ replicas: 3 }); // set beats the file
    // A string stays a string even when it looks like a number; setJson keeps structure.
    expect(byKind(objects, 'ConfigMap')[0]?.['data']).toMatchObject({
      greeting: '123',
      greetingType: 'string',
      extra: '{"list":[1,"two"]}',
    });
  });

  test('string values with commas, backslashes, equals signs and spaces arrive unchanged', async () => {
    const greeting = 'a,b\\c=d e, "f"';
    const [configMap] = await helm.template(tiny, { set: { greeting }, showOnly: ['templates/configmap.yaml'] });
    expect(configMap?.['data']).toMatchObject({ greeting });
  });

  test('showOnly, apiVersions, isUpgrade and skipTests', async () => {
    const only = await helm.template(tiny, { showOnly: ['templates/service.yaml'] });
    expect(only.map((o) => o.kind)).toEqual(['Service']);

    const withMonitoring = await helm.template(tiny, { apiVersions: ['monitoring.coreos.com/v1'], skipTests: true, isUpgrade: true });
    expect(withMonitoring.map((o) => o.kind)).toContain('ServiceMonitor');
    expect(withMonitoring.map((o) => o.kind)).not.toContain('Pod');
    expect(byKind(withMonitoring, 'ConfigMap')[0]?.['data']).toMatchObject({ isUpgrade: 'true' });
  });

  test('a values schema violation carries all of helm\'s error lines', async () => {
    const err = await helmError(helm.template(tiny, { set: { replicas: 0 } }));
    expect(err.helmMessage).toBe("Error: values don't meet the specifications of the schema(s) in the following chart(s):\ntiny:\n- at '/replicas': minimum: got 0, want 1");
  });

  test("kubeVersion is checked against the chart's kubeVersion range", async () => {
    await expect(helm.template(tiny, { kubeVersion: '1.34.0' })).resolves.toHaveLength(4);
    const err = await helmError(helm.template(tiny, { kubeVersion: '1.20.0' }));
    expect(err.helmMessage).toBe('Error: chart requires kubeVersion: >=1.28.0-0 which is incompatible with Kubernetes v1.20.0');
  });

  test('a missing chart is a HelmError with the command quoted for a shell', async () => {
    const missing = path.join(tmp, 'no such chart');
    const err = await helmError(helm.template(missing, { release: 'r' }));
    expect(err.exitCode).toBe(1);
    expect(err.helmMessage).toMatch(/^Error: .*not found/);
    expect(err.command).toBe(`${helm.binary.path} template r '${missing}'`);
    expect(err.message.split('\n')[0]).toBe(`helm template exited with 1: ${err.helmMessage}`);
  });
});

describe('running helm', () => {
  test('onProgress gets output lines as helm prints them', async () => {
    const lines: [string, string][] = [];
    await helm.lint(tiny, { onProgress: (line, stream) => lines.push([stream, line]) });
    expect(lines).toContainEqual(['stdout', '[INFO] Chart.yaml: icon is recommended']);
  });

  test('an aborted call is a HelmError that says helm did not finish', async () => {
    const err = await helmError(helm.template(tiny, { signal: AbortSignal.abort() }));
    expect(err.exitCode).toBeNull();
    expect(err.message).toMatch(/^helm template did not finish: Error: .*abort/i);
  });
});

describe('release commands without a cluster', () => {
  test('install with a client dry run renders the release offline', async () => {
    const lines: string[] = [];
    const release = await helm.install('demo', tiny, {
      namespace: 'shop',
      dryRun: 'client',
      set: { replicas: 2 },
      kubeconfig: offlineKubeconfig,
      onProgress: (line) => lines.push(line),
    });
    expect(release).toMatchObject({ name: 'demo', namespace: 'shop', version: 1, info: { status: 'pending-install' } });
    expect(release.hooks?.map((h) => h.name)).toEqual(['demo-tiny-test']);
    expect(release.manifest).toContain('replicas: 2');
    expect(lines.length).toBeGreaterThan(0); // --debug output, streamed while helm runs
  });

  test.each([
    ['upgradeInstall (even a client dry run reads the release history)', (h: Helm, kc: string) => h.upgradeInstall('demo', tiny, { kubeconfig: kc, dryRun: 'client' }), 'upgrade'],
    ['upgradeInstall with wait and rollback', (h: Helm, kc: string) => h.upgradeInstall('demo', tiny, { kubeconfig: kc, wait: true, rollbackOnFailure: true, timeout: '1m' }), 'upgrade'],
    ['status', (h: Helm, kc: string) => h.status('demo', { kubeconfig: kc }), 'status'],
    ['history', (h: Helm, kc: string) => h.history('demo', { kubeconfig: kc }), 'history'],
    ['rollback', (h: Helm, kc: string) => h.rollback('demo', 1, { kubeconfig: kc }), 'rollback'],
    ['uninstall', (h: Helm, kc: string) => h.uninstall('demo', { kubeconfig: kc }), 'uninstall'],
    ['test', (h: Helm, kc: string) => h.test('demo', { kubeconfig: kc, logs: true }), 'test'],
  ])('%s: an unreachable cluster is a clear HelmError', async (_name, call, subcommand) => {
    const err = await helmError(call(helm, offlineKubeconfig));
    expect(err.helmMessage).toMatch(/^Error: kubernetes cluster unreachable: .*127\.0\.0\.1:1.*connection refused/i);
    expect(err.message.split('\n')[0]).toBe(`helm ${subcommand} exited with 1: ${err.helmMessage}`);
    expect(err.command).toContain(`--kubeconfig=${offlineKubeconfig}`);
  });

  test('the flags follow the helm major version (helm 4: --wait=watcher, --rollback-on-failure)', async () => {
    const err = await helmError(helm.upgradeInstall('demo', tiny, { kubeconfig: offlineKubeconfig, wait: true, rollbackOnFailure: true }));
    if (helm.binary.major >= 4) expect(err.args).toEqual(expect.arrayContaining(['--wait=watcher', '--rollback-on-failure']));
    else expect(err.args).toEqual(expect.arrayContaining(['--wait', '--atomic']));
  });

  test('cluster settings given to Helm.create apply to every call; a call can override them', async () => {
    const scoped = await Helm.create({ kubeconfig: offlineKubeconfig, kubeContext: 'missing', namespace: 'shop' });
    const err = await helmError(scoped.status('demo'));
    expect(err.args).toEqual(['status', 'demo', '--kube-context=missing', `--kubeconfig=${offlineKubeconfig}`, '--namespace=shop', '--output', 'json']);
    expect(err.helmMessage).toBe('Error: kubernetes cluster unreachable: context "missing" does not exist');

    const overridden = await helmError(scoped.status('demo', { kubeContext: 'offline', namespace: 'other' }));
    expect(overridden.args).toContain('--namespace=other');
    expect(overridden.helmMessage).toMatch(/connection refused/);
  });
});
