// Around a restore in the cluster: stop the apps (nothing writes while the data is replaced),
// run the migrations so an older dump comes up to this release's schema, start the apps again.
// The migration Job is the chart's (templates/migrations/job.yaml) rebuilt from the release's
// own api and web pod templates: the same images, environment and hardening.
import { INSTANCE_LABEL, type Container, type Job, type Kubectl, type PodSpec, type Workload } from '@todo/kube';
import { BackupError } from './pg';
import type { ReleaseRef } from './release-db';

const COMPONENT = 'app.kubernetes.io/component';

export interface Scaled {
  name: string;
  replicas: number;
}

/** Scales the api and web Deployments to 0 and waits for their pods to go; returns what to scale back to. */
/** The Deployments' replica counts, to restore after stopping them. */
export const replicasOf = (deployments: Workload[]): Scaled[] => deployments.map((d) => ({ name: d.metadata.name, replicas: d.spec.replicas ?? 1 }));

/** Scales them to 0 and waits for their pods to go (the caller holds `scaled` before: a failed wait still restarts them). */
export async function stopApps(kubectl: Kubectl, r: ReleaseRef, scaled: Scaled[], print: (line: string) => void): Promise<void> {
  if (!scaled.length) return;
  print(`stopping ${scaled.map((s) => s.name).join(', ')} for the restore (their autoscalers pause at 0 replicas)`);
  await kubectl.run(['scale', '--namespace', r.namespace, '--replicas=0', ...scaled.map((s) => `deployment/${s.name}`)]);
  await kubectl.run(['wait', '--namespace', r.namespace, '--for=delete', 'pod', '--selector', `${INSTANCE_LABEL}=${r.release},${COMPONENT} in (api,web)`, '--timeout=180s']);
}

/** Scales the Deployments back and waits for their rollout. */
export async function startApps(kubectl: Kubectl, r: ReleaseRef, scaled: Scaled[], print: (line: string) => void): Promise<void> {
  for (const s of scaled) {
    print(`starting ${s.name} again (${s.replicas} replica${s.replicas === 1 ? '' : 's'})`);
    await kubectl.run(['scale', '--namespace', r.namespace, `--replicas=${s.replicas}`, `deployment/${s.name}`]);
  }
  for (const s of scaled) await kubectl.run(['rollout', 'status', '--namespace', r.namespace, `deployment/${s.name}`, '--timeout=300s']);
}

/**
 * The chart's migration Job from the release's Deployments: `todo-api migrate` in the api's
 * container (an init container, so it runs first), then web's `node scripts/migrate.mjs`.
 * Labelled as the migrations component, so the release's NetworkPolicies let it reach the
 * database and nothing else.
 */
export function migrationJob(deployments: Workload[], r: ReleaseRef, name: string): Job & { spec: { template: { spec: PodSpec } } } {
  const of = (component: string) => {
    const d = deployments.find((x) => x.metadata.labels?.[COMPONENT] === component);
    const c = d?.spec.template?.spec.containers.find((x) => x.name === component);
    if (!d?.spec.template || !c) throw new BackupError(`the release has no ${component} Deployment with a ${component} container: cannot run its migrations`);
    return { template: d.spec.template, container: c };
  };
  const api = of('api');
  const web = of('web');
  const asStep = (c: Container, step: string, command: string[], workingDir?: string): Container => {
    const { ports: _p, startupProbe: _s, livenessProbe: _l, readinessProbe: _r, lifecycle: _lc, ...rest } = c;
    return { ...rest, name: step, command, args: undefined, ...(workingDir ? { workingDir } : {}) };
  };
  const volumes = [...(api.template.spec.volumes ?? []), ...(web.template.spec.volumes ?? [])].filter((v, i, all) => all.findIndex((x) => x.name === v.name) === i);
  const labels: Record<string, string> = { ...(api.template.metadata?.labels ?? {}), [COMPONENT]: 'migrations' };
  delete labels['pod-template-hash'];
  const extra = api.template.spec as PodSpec & { imagePullSecrets?: unknown; enableServiceLinks?: boolean };
  const spec: PodSpec = {
    restartPolicy: 'Never',
    serviceAccountName: api.template.spec.serviceAccountName,
    automountServiceAccountToken: false,
    securityContext: api.template.spec.securityContext,
    initContainers: [asStep(api.container, 'migrate-api', ['todo-api', 'migrate'])],
    containers: [asStep(web.container, 'migrate-web', ['node', 'scripts/migrate.mjs'], '/app/apps/web')],
    volumes,
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: r.namespace, labels },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: 600,
      ...({ ttlSecondsAfterFinished: 3600 } as object),
      template: { metadata: { labels }, spec: { ...spec, ...({ enableServiceLinks: false, imagePullSecrets: extra.imagePullSecrets } as object) } },
    },
  };
}

/** Creates the migration Job and waits for it; its logs are printed either way. */
export async function runMigrations(kubectl: Kubectl, r: ReleaseRef, deployments: Workload[], print: (line: string) => void, pollMs = 2000): Promise<void> {
  const name = `${r.release}-restore-migrate-${Date.now().toString(36)}`.slice(0, 63);
  const job = migrationJob(deployments, r, name);
  print(`migrating the restored database: Job ${name} (todo-api migrate, then web's migrate.mjs)`);
  await kubectl.run(['create', '--namespace', r.namespace, '--filename', '-'], { input: JSON.stringify(job) });
  const deadline = Date.now() + 11 * 60_000;
  let state: 'Complete' | 'Failed' | undefined;
  while (!state && Date.now() < deadline) {
    const j = await kubectl.json<Job>(['get', 'job', name, '--namespace', r.namespace, '--output', 'json']);
    state = j.status?.conditions?.find((c) => ['Complete', 'Failed'].includes(c.type) && c.status === 'True')?.type as typeof state;
    if (!state) await new Promise((res) => setTimeout(res, pollMs));
  }
  const logs = await kubectl.run(['logs', `job/${name}`, '--namespace', r.namespace, '--all-containers', '--prefix', '--tail=40']).catch((e: Error) => ({ stdout: `(no logs: ${e.message.split('\n')[0]})` }));
  for (const line of logs.stdout.split('\n').filter(Boolean)) print(`  | ${line}`);
  if (state === 'Complete') {
    // Not the chart's Job: `helm uninstall` would leave it (and its pod) behind. A failed one is
    // kept for its logs, and expires an hour after it finished.
    await kubectl
      .run(['delete', 'job', name, '--namespace', r.namespace, '--cascade=foreground', '--wait=true', '--timeout=60s'])
      .catch((error: Error) => print(`(the finished Job ${name} could not be deleted: ${error.message.split('\n')[0]}; it expires within an hour)`));
    return;
  }
  throw new BackupError(`the migration Job ${name} ${state === 'Failed' ? 'failed' : 'did not finish in 11 minutes'}: the data is restored, the schema may be behind. Read: kubectl logs job/${name} -n ${r.namespace} --all-containers; fix, then run the migrations again with a deploy (npm run nx -- run infra:deploy)`);
}
