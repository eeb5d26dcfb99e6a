// infra:backup and infra:restore against a fake kubectl: the arguments, the pods they build
// (helper pod, migration Job), and the order of a restore: check, stop the apps, restore,
// migrate, start the apps again (also when the restore fails). `kubectl exec` runs the real
// scripts locally against fake PostgreSQL tools (test-support.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { attemptCommand, type Kubectl, type Workload } from '@todo/kube';
import { migrationJob } from './apps';
import { backup, chartPostgresImage, main, parseBackupArgs, restore } from './cli';
import { helperPod } from './release-db';
import { writeFakes, type FakeDb, type Fakes } from './test-support';

const deployment = (component: 'api' | 'web', replicas: number): Workload => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: `todo-todo-chatbot-${component}`, labels: { 'app.kubernetes.io/instance': 'todo', 'app.kubernetes.io/component': component } },
  spec: {
    replicas,
    selector: {},
    template: {
      metadata: { labels: { 'app.kubernetes.io/name': 'todo-chatbot', 'app.kubernetes.io/instance': 'todo', 'app.kubernetes.io/component': component, 'pod-template-hash': 'abc' } },
      spec: {
        serviceAccountName: `todo-todo-chatbot-${component}`,
        securityContext: { runAsNonRoot: true, runAsUser: 10001 },
        containers: [
          {
            name: component,
            image: `todo-${component}:nx-1`,
            ports: [{ containerPort: 8000 }],
            readinessProbe: { httpGet: { path: '/readyz', port: 'http' } },
            env: [{ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'todo-todo-chatbot', key: 'database-url' } } }],
            volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
          },
        ],
        volumes: [{ name: 'tmp', emptyDir: {} }],
      },
    },
  },
});

const pgPod = { kind: 'Pod', metadata: { name: 'todo-todo-chatbot-postgresql-0' }, status: { phase: 'Running', containerStatuses: [{ name: 'postgresql', ready: true, restartCount: 0 }] } };

/** A kubectl that answers from a table and runs `exec` scripts locally against the fakes. */
function fakeKubectl(fakes: Fakes, db: FakeDb, state: { pgPods?: unknown[]; jobState?: string; failing?: string[] } = {}) {
  const calls: string[] = [];
  const run = async (args: readonly string[], io: { input?: unknown; stdoutTo?: NodeJS.WritableStream } = {}) => {
    const verb = args[0]!;
    if (state.failing?.includes(verb)) {
      calls.push(`${verb} (failed)`);
      throw new Error(`kubectl ${verb} failed: timed out waiting for the condition`);
    }
    if (verb === 'exec') {
      const script = args.at(-1)!;
      calls.push(`exec ${/pg_restore|pg_dump|pg_stat_activity|relkind/.exec(script + String(typeof io.input === 'string' ? io.input : ''))?.[0] ?? 'psql'}`);
      const r = await attemptCommand('sh', ['-c', script], { env: fakes.env(db), input: io.input as string, stdoutTo: io.stdoutTo as never });
      if (!r.ok) throw Object.assign(new Error('exec failed'), r);
      return r;
    }
    calls.push(args.filter((a) => !a.startsWith('--namespace') && a !== 'todo').join(' '));
    if (verb === 'get' && args[1] === 'job') return { stdout: JSON.stringify({ status: { conditions: [{ type: state.jobState ?? 'Complete', status: 'True' }] } }), stderr: '' };
    return { stdout: 'migrate-api] alembic: at head', stderr: '' };
  };
  const json = async (args: readonly string[]) => {
    calls.push(`get ${args[1]}`);
    if (args[1] === 'pods') return { items: state.pgPods ?? [pgPod] };
    if (args[1] === 'deployments') return { items: [deployment('api', 2), deployment('web', 1)] };
    if (args[1] === 'job') return JSON.parse((await run(args)).stdout) as unknown;
    throw new Error(`unexpected ${args.join(' ')}`);
  };
  return { kubectl: { run, json } as unknown as Kubectl, calls };
}

let fakes: Fakes;
let work: string;
beforeEach(() => {
  fakes = writeFakes();
  work = mkdtempSync(path.join(tmpdir(), 'backup-cli-'));
});
afterEach(() => {
  fakes.cleanup();
  rmSync(work, { recursive: true, force: true });
});

test('arguments: defaults, the dated default file, and errors that name the fix', () => {
  const a = parseBackupArgs(['backup'], {}, new Date('2026-03-01T03:00:00Z'));
  expect(a).toMatchObject({ action: 'backup', release: 'todo', namespace: 'todo', file: 'backups/todo-20260301T030000Z.dump', force: false, image: chartPostgresImage() });
  expect(chartPostgresImage()).toMatch(/^docker\.io\/library\/postgres:/);
  expect(() => parseBackupArgs(['restore'])).toThrow('restore needs --file');
  expect(() => parseBackupArgs(['backup', '--force'])).toThrow('--force applies to restore only');
  expect(() => parseBackupArgs(['dump'])).toThrow('the first argument must be backup or restore');
  expect(() => parseBackupArgs(['backup', '--release', 'Bad_Name'])).toThrow('--release must be a DNS label');
});

test('the CLI exits 2 on bad arguments and 1 with the reason on a missing file, before touching the cluster', async () => {
  const err: string[] = [];
  expect(await main(['restore'], () => undefined, (l) => err.push(l))).toBe(2);
  expect(err[0]).toBe('infra:restore: restore needs --file: the dump to load, e.g. --file backups/todo-20260301T030000Z.dump');
});

test('the external-database helper pod: hardened, the api\'s DATABASE_URL reference, the migrations\' network identity', () => {
  const pod = helperPod(deployment('api', 1), { release: 'todo', namespace: 'todo' }, 'docker.io/library/postgres:15');
  const c = pod.spec.containers[0]!;
  expect(c.env).toEqual([{ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'todo-todo-chatbot', key: 'database-url' } } }]);
  expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
  expect(pod.spec).toMatchObject({ automountServiceAccountToken: false, securityContext: { runAsNonRoot: true, runAsUser: 999 } });
  expect(pod.metadata.labels).toMatchObject({ 'app.kubernetes.io/instance': 'todo', 'app.kubernetes.io/component': 'migrations' });
});

test('the migration Job is the chart\'s, from the release\'s own pod templates', () => {
  const job = migrationJob([deployment('api', 1), deployment('web', 1)], { release: 'todo', namespace: 'todo' }, 'todo-restore-migrate-x');
  const pod = job.spec.template.spec;
  expect(pod.initContainers!.map((c) => [c.name, c.command, c.image])).toEqual([['migrate-api', ['todo-api', 'migrate'], 'todo-api:nx-1']]);
  expect(pod.containers.map((c) => [c.name, c.command, c.workingDir])).toEqual([['migrate-web', ['node', 'scripts/migrate.mjs'], '/app/apps/web']]);
  expect(pod.containers[0]!.readinessProbe).toBeUndefined();
  expect(pod.containers[0]!.ports).toBeUndefined();
  expect(job.metadata.labels).toMatchObject({ 'app.kubernetes.io/component': 'migrations' });
  expect(job.metadata.labels).not.toHaveProperty('pod-template-hash');
  expect(pod).toMatchObject({ restartPolicy: 'Never', automountServiceAccountToken: false, securityContext: { runAsNonRoot: true } });
});

test('backup: pg_dump from the PostgreSQL pod into the file, progress printed', async () => {
  const { kubectl, calls } = fakeKubectl(fakes, { dumpBytes: 5000 });
  const lines: string[] = [];
  const file = path.join(work, 'b.dump');
  await backup(kubectl, { ...parseBackupArgs(['backup', '--file', file]) }, (l) => lines.push(l));
  expect(calls).toContain('exec pg_dump');
  expect(lines.join('\n')).toMatch(/backup: 4\.9 KiB in total/);
  expect(lines.join('\n')).not.toContain('not-printed-secret');
});

describe('restore', () => {
  const dump = () => {
    const f = path.join(work, 'in.dump');
    writeFileSync(f, Buffer.concat([Buffer.from('PGDMP\x01\x0f\x00\x04\x08\x01', 'latin1'), Buffer.alloc(100)]));
    return f;
  };

  test('checks, stops api and web, restores, migrates, starts them again at their replicas', async () => {
    const { kubectl, calls } = fakeKubectl(fakes, {});
    await restore(kubectl, parseBackupArgs(['restore', '--file', dump()]), () => undefined);
    const steps = calls.filter((c) => !c.startsWith('get '));
    expect(steps.map((s) => s.replace(/todo-restore-migrate-\w+/, 'JOB'))).toEqual([
      'exec relkind',
      'scale --replicas=0 deployment/todo-todo-chatbot-api deployment/todo-todo-chatbot-web',
      'wait --for=delete pod --selector app.kubernetes.io/instance=todo,app.kubernetes.io/component in (api,web) --timeout=180s',
      'exec relkind',
      'exec pg_stat_activity',
      'exec pg_restore',
      'create --filename -',
      'logs job/JOB --all-containers --prefix --tail=40',
      'delete job JOB --cascade=foreground --wait=true --timeout=60s', // not the chart's Job: not left behind
      'scale --replicas=2 deployment/todo-todo-chatbot-api',
      'scale --replicas=1 deployment/todo-todo-chatbot-web',
      'rollout status deployment/todo-todo-chatbot-api --timeout=300s',
      'rollout status deployment/todo-todo-chatbot-web --timeout=300s',
    ]);
  });

  test('a database with data is refused before anything stops', async () => {
    const { kubectl, calls } = fakeKubectl(fakes, { rows: 'task 2\nuser 1' });
    await expect(restore(kubectl, parseBackupArgs(['restore', '--file', dump()]), () => undefined)).rejects.toThrow(/not empty \(task: 2, user: 1 rows\).*--force/);
    expect(calls.some((c) => c.startsWith('scale'))).toBe(false);
  });

  test('database busy: refused, and api and web are started again', async () => {
    const { kubectl, calls } = fakeKubectl(fakes, { sessions: 'psql local idle' });
    await expect(restore(kubectl, parseBackupArgs(['restore', '--file', dump()]), () => undefined)).rejects.toThrow(/^database busy: 1 other session\(s\) connected \(psql local idle\)\. api and web are stopped; is a backup running/);
    expect(calls.filter((c) => c.startsWith('scale'))).toEqual(['scale --replicas=0 deployment/todo-todo-chatbot-api deployment/todo-todo-chatbot-web', 'scale --replicas=2 deployment/todo-todo-chatbot-api', 'scale --replicas=1 deployment/todo-todo-chatbot-web']);
  });

  test('a failed wait for the pods to go still starts api and web again', async () => {
    const { kubectl, calls } = fakeKubectl(fakes, {}, { failing: ['wait'] });
    await expect(restore(kubectl, parseBackupArgs(['restore', '--file', dump()]), () => undefined)).rejects.toThrow(/kubectl wait failed/);
    expect(calls.filter((c) => c.startsWith('scale'))).toEqual(['scale --replicas=0 deployment/todo-todo-chatbot-api deployment/todo-todo-chatbot-web', 'scale --replicas=2 deployment/todo-todo-chatbot-api', 'scale --replicas=1 deployment/todo-todo-chatbot-web']);
  });

  test('when starting the apps fails after a failed restore, the restore\'s own error is the one reported', async () => {
    const { kubectl } = fakeKubectl(fakes, { fail: true }, { failing: ['rollout'] });
    const lines: string[] = [];
    await expect(restore(kubectl, parseBackupArgs(['restore', '--file', dump()]), (l) => lines.push(l))).rejects.toThrow(/^the restore in .* failed \(exit 3\), nothing was changed/);
    expect(lines.join('\n')).toMatch(/restore: starting api and web again failed too: kubectl rollout failed/);
  });

  test('a failed migration Job is reported with where to read its log', async () => {
    const { kubectl } = fakeKubectl(fakes, {}, { jobState: 'Failed' });
    await expect(restore(kubectl, parseBackupArgs(['restore', '--file', dump()]), () => undefined)).rejects.toThrow(/the migration Job todo-restore-migrate-\w+ failed: the data is restored, the schema may be behind/);
  });

  test('release not found: no PostgreSQL pod and no api Deployment', async () => {
    const { kubectl } = fakeKubectl(fakes, {}, { pgPods: [] });
    (kubectl as unknown as { json: (a: readonly string[]) => Promise<unknown> }).json = async () => ({ items: [] });
    await expect(restore(kubectl, parseBackupArgs(['restore', '--file', dump()]), () => undefined)).rejects.toThrow(/^release not found: nothing labelled app\.kubernetes\.io\/instance=todo in namespace todo\. List the releases: helm list -A/);
  });
});
