// Where the release's database is, seen through kubectl: the in-cluster PostgreSQL pod, or,
// in the chart's external database mode, a short-lived hardened helper pod that gets the
// apps' DATABASE_URL from the same Secret key as the api. Either way a DatabaseShell (pg.ts).
import { INSTANCE_LABEL, releaseSelector, type Container, type KubeList, type Kubectl, type Pod, type PodSpec, type Workload } from '@todo/kube';
import { BackupError, type DatabaseShell } from './pg';
import { DATABASE_URL_PRELUDE, kubectlExecShell, POSTGRES_ENV_PRELUDE } from './shells';

export interface ReleaseRef {
  release: string;
  namespace: string;
  /** For messages and fixes. */
  context?: string;
}

export interface ReleaseDatabase {
  mode: 'in-cluster' | 'external';
  shell: DatabaseShell;
  /** Removes the helper pod (external mode); nothing for the in-cluster pod. */
  cleanup(): Promise<void>;
}

const COMPONENT = 'app.kubernetes.io/component';
const target = (r: ReleaseRef) => `-n ${r.namespace}${r.context ? ` --context ${r.context}` : ''}`;

/** The release's Deployments by component (api, web). */
export async function appDeployments(kubectl: Kubectl, r: ReleaseRef): Promise<Workload[]> {
  const list = await kubectl.json<KubeList<Workload>>(['get', 'deployments', '--namespace', r.namespace, '--selector', releaseSelector(r.release), '--output', 'json']);
  return list.items.filter((d) => ['api', 'web'].includes(d.metadata.labels?.[COMPONENT] ?? ''));
}

export function releaseNotFound(r: ReleaseRef): BackupError {
  return new BackupError(
    `release not found: nothing labelled ${INSTANCE_LABEL}=${r.release} in namespace ${r.namespace}${r.context ? ` (context ${r.context})` : ''}. ` +
      `List the releases: helm list -A${r.context ? ` --kube-context ${r.context}` : ''}; then pass --release and --namespace (or deploy: npm run nx -- run infra:deploy)`,
  );
}

/** The in-cluster PostgreSQL pod when the release has one, else the external database through a helper pod. */
export async function releaseDatabase(kubectl: Kubectl, r: ReleaseRef, options: { image: string; print: (line: string) => void }): Promise<ReleaseDatabase> {
  const pods = await kubectl.json<KubeList<Pod>>(['get', 'pods', '--namespace', r.namespace, '--selector', `${releaseSelector(r.release)},${COMPONENT}=postgresql`, '--output', 'json']);
  const deployments = await appDeployments(kubectl, r);
  if (pods.items.length) {
    const ready = pods.items.find((p) => p.status.phase === 'Running' && p.status.containerStatuses?.find((c) => c.name === 'postgresql')?.ready);
    if (!ready) {
      const p = pods.items[0]!;
      throw new BackupError(`the PostgreSQL pod ${p.metadata.name} is not ready (${p.status.phase ?? 'unknown'}): see what is wrong with npm run nx -- run infra:doctor -- --release ${r.release} --namespace ${r.namespace}`);
    }
    const shell = kubectlExecShell(kubectl, { namespace: r.namespace, pod: ready.metadata.name, container: 'postgresql', prelude: POSTGRES_ENV_PRELUDE });
    return { mode: 'in-cluster', shell, cleanup: async () => undefined };
  }
  const api = deployments.find((d) => d.metadata.labels?.[COMPONENT] === 'api');
  if (!api) throw releaseNotFound(r);
  const pod = helperPod(api, r, options.image);
  options.print(`external database: starting the helper pod ${pod.metadata.name} (${options.image}, DATABASE_URL from the api's Secret)`);
  await kubectl.run(['create', '--namespace', r.namespace, '--filename', '-'], { input: JSON.stringify({ ...pod, status: undefined }) });
  const cleanup = async () => {
    await kubectl.run(['delete', 'pod', pod.metadata.name, '--namespace', r.namespace, '--ignore-not-found', '--wait=false']).catch(() => undefined);
  };
  try {
    await kubectl.run(['wait', '--namespace', r.namespace, '--for=condition=Ready', `pod/${pod.metadata.name}`, '--timeout=180s']);
  } catch (err) {
    await cleanup();
    throw new BackupError(`the helper pod ${pod.metadata.name} did not start: ${(err as Error).message.split('\n')[0]}. Is the image ${options.image} pullable (--image to choose another)? kubectl describe pod ${pod.metadata.name} ${target(r)}`);
  }
  const shell = kubectlExecShell(kubectl, { namespace: r.namespace, pod: pod.metadata.name, container: 'pg', prelude: DATABASE_URL_PRELUDE });
  return { mode: 'external', shell, cleanup };
}

/**
 * A pod that only waits (an hour at most) so pg_dump/pg_restore can be exec'd in it: the
 * postgres image, its user, hardened like the chart's pods, the api's DATABASE_URL (from the
 * same Secret key) and pull secrets. Labelled as the chart's migrations component, so the
 * release's NetworkPolicies give it exactly the migration Job's access: the database.
 */
export function helperPod(api: Workload, r: ReleaseRef, image: string): Pod & { spec: PodSpec } {
  const template = api.spec.template;
  const apiContainer = template?.spec.containers.find((c) => c.name === 'api') ?? template?.spec.containers[0];
  const url = apiContainer?.env?.find((e) => e.name === 'DATABASE_URL');
  if (!url?.valueFrom?.secretKeyRef) throw new BackupError(`the api Deployment ${api.metadata.name} has no DATABASE_URL from a Secret: is this release deployed by this chart?`);
  const labels = { ...pick(template?.metadata?.labels ?? {}, ['app.kubernetes.io/name', INSTANCE_LABEL]), [COMPONENT]: 'migrations', 'todo.example/role': 'backup-helper' };
  const name = `${r.release}-db-helper-${Date.now().toString(36)}`.slice(0, 63);
  const container: Container = {
    name: 'pg',
    image,
    command: ['sleep', '3600'],
    env: [url],
    resources: { requests: { cpu: '20m', memory: '32Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    securityContext: { runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: r.namespace, labels },
    spec: {
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      ...({ enableServiceLinks: false, activeDeadlineSeconds: 3600, imagePullSecrets: (template?.spec as { imagePullSecrets?: unknown } | undefined)?.imagePullSecrets } as object),
      securityContext: { runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [container],
      volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
    },
    status: {},
  } as Pod & { spec: PodSpec };
}

function pick(o: Record<string, string>, keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]!]));
}
