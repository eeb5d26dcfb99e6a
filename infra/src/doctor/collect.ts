// The collector: asks the cluster (kubectl) and Helm (@todo/kube) about one release and
// returns a Snapshot. Only reads; Secrets are read as names and key names, never values.
import {
  Helm,
  HelmError,
  Kubectl,
  KubectlError,
  releaseSelector,
  type ApiService,
  type IngressClass,
  type KubeEvent,
  type KubeList,
  type KubectlConfig,
  type Pod,
} from '@todo/kube';
import { SECRET_KEYS_TEMPLATE, metricsAvailability, parseSecretKeys, redact, releaseSummary, sortObjects, type ContainerLog, type HelmView, type Snapshot } from './snapshot';

export interface CollectOptions extends Pick<KubectlConfig, 'context' | 'kubeconfig' | 'env' | 'workspaceRoot' | 'requestTimeout'> {
  release: string;
  namespace: string;
  /** Lines of log per crashing container. */
  logTail?: number;
  /** Leave Helm out (its binary is not needed then). */
  skipHelm?: boolean;
  now?: () => Date;
}

/** The kinds read in one `kubectl get`, all labelled with the release's instance label. */
export const RELEASE_KINDS = 'pods,deployments,statefulsets,jobs,cronjobs,horizontalpodautoscalers,ingresses,services,endpoints,persistentvolumeclaims,networkpolicies';
export const METRICS_API_SERVICE = 'v1beta1.metrics.k8s.io';
export const METRICS_NOT_INSTALLED = `metrics-server is not installed (no APIService ${METRICS_API_SERVICE})`;
const MAX_LOGS = 12;

/** The cluster could not be inspected at all (unreachable, no such context, not allowed). */
export class CannotInspect extends Error {
  override readonly name = 'CannotInspect';
  constructor(
    message: string,
    readonly context: string | undefined,
    readonly kubeconfig: string,
    readonly server: string | undefined,
    readonly command?: string,
  ) {
    super(message);
  }
}

/** Arguments of every kubectl call, so the tests can assert them and the docs can show them. */
export const kubectlArgs = {
  objects: (o: { namespace: string; release: string }) => ['get', RELEASE_KINDS, '--namespace', o.namespace, '--selector', releaseSelector(o.release), '--output', 'json'],
  events: (o: { namespace: string }) => ['get', 'events', '--namespace', o.namespace, '--output', 'json'],
  secrets: (o: { namespace: string }) => ['get', 'secrets', '--namespace', o.namespace, '--output', `go-template=${SECRET_KEYS_TEMPLATE}`],
  ingressClasses: () => ['get', 'ingressclasses', '--output', 'json'],
  metrics: () => ['get', 'apiservice', METRICS_API_SERVICE, '--output', 'json'],
  logs: (o: { namespace: string; pod: string; container: string; previous: boolean; tail: number }) => [
    'logs',
    o.pod,
    '--namespace',
    o.namespace,
    '--container',
    o.container,
    `--tail=${o.tail}`,
    ...(o.previous ? ['--previous'] : []),
  ],
  currentContext: () => ['config', 'current-context'],
  server: () => ['config', 'view', '--minify', '--output', 'jsonpath={.clusters[0].cluster.server}'],
};

/**
 * The containers whose logs explain a problem: crash-looping or restarted ones (the run
 * before, `--previous`), ones that exited non-zero, and the containers of Job pods.
 */
export function logTargets(pods: readonly Pod[]): { pod: string; container: string; previous: boolean }[] {
  const targets: { pod: string; container: string; previous: boolean }[] = [];
  for (const pod of pods) {
    const ofJob = pod.metadata.ownerReferences?.some((o) => o.kind === 'Job') ?? false;
    for (const status of [...(pod.status.initContainerStatuses ?? []), ...(pod.status.containerStatuses ?? [])]) {
      const crashed = status.state?.waiting?.reason === 'CrashLoopBackOff' || (status.restartCount > 0 && status.lastState?.terminated);
      const failed = status.state?.terminated && status.state.terminated.exitCode !== 0;
      const jobRun = ofJob && pod.status.phase !== 'Succeeded' && (status.state?.running || status.state?.terminated);
      if (crashed) targets.push({ pod: pod.metadata.name, container: status.name, previous: true });
      else if (failed || jobRun) targets.push({ pod: pod.metadata.name, container: status.name, previous: false });
    }
  }
  return targets.slice(0, MAX_LOGS);
}

export async function collect(options: CollectOptions): Promise<Snapshot> {
  const { release, namespace } = options;
  let kubectl = await Kubectl.create({ requestTimeout: '15s', ...options });
  const gaps: string[] = [];

  // Local reads of the kubeconfig first: they name the context and server in every message.
  let context = options.context;
  let server: string | undefined;
  try {
    if (!context) context = (await kubectl.runLocal(kubectlArgs.currentContext())).stdout.trim();
    // Every later call names the context, so all of them (and helm) talk to the same cluster.
    kubectl = kubectl.withContext(context);
    server = (await kubectl.runLocal(kubectlArgs.server())).stdout.trim() || undefined;
  } catch (err) {
    throw cannotInspect(err, kubectl, context, server);
  }

  let list: KubeList;
  try {
    list = await kubectl.json<KubeList>(kubectlArgs.objects({ namespace, release }));
  } catch (err) {
    throw cannotInspect(err, kubectl, context, server);
  }
  const objects = sortObjects(list);

  // The API server answered: from here on a failing read is a gap in the report, not the end.
  const optional = async <T>(what: string, read: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await read();
    } catch (err) {
      gaps.push(`${what}: ${err instanceof KubectlError ? err.kubectlMessage : (err as Error).message}`);
      return fallback;
    }
  };
  const tail = options.logTail ?? 20;
  const [events, secrets, ingressClasses, metrics, logs, helm] = await Promise.all([
    optional('events', async () => (await kubectl.json<KubeList<KubeEvent>>(kubectlArgs.events({ namespace }))).items, []),
    optional('secrets (names and keys)', async () => parseSecretKeys((await kubectl.run(kubectlArgs.secrets({ namespace }))).stdout), []),
    objects.ingresses.length
      ? optional('ingress classes', async () => (await kubectl.json<KubeList<IngressClass>>(kubectlArgs.ingressClasses())).items, [])
      : Promise.resolve([]),
    readMetrics(kubectl),
    Promise.all(logTargets(objects.pods).map((t) => readLog(kubectl, { ...t, namespace, tail }))),
    options.skipHelm ? Promise.resolve<HelmView>({ error: 'not checked' }) : readHelm(options, context),
  ]);
  if (helm.error && !helm.notFound && !options.skipHelm) gaps.push(`helm: ${helm.error}`);

  return {
    release,
    namespace,
    context,
    server,
    collectedAt: (options.now?.() ?? new Date()).toISOString(),
    objects,
    secrets,
    ingressClasses,
    events,
    logs,
    metrics,
    helm,
    gaps,
  };
}

async function readMetrics(kubectl: Kubectl): Promise<Snapshot['metrics']> {
  try {
    return metricsAvailability(await kubectl.json<ApiService>(kubectlArgs.metrics()));
  } catch (err) {
    const message = err instanceof KubectlError ? err.kubectlMessage : (err as Error).message;
    return { available: false, reason: /NotFound|not found/.test(message) ? METRICS_NOT_INSTALLED : message };
  }
}

async function readLog(kubectl: Kubectl, t: { namespace: string; pod: string; container: string; previous: boolean; tail: number }): Promise<ContainerLog> {
  const log: ContainerLog = { pod: t.pod, container: t.container, previous: t.previous, lines: [] };
  try {
    const { stdout } = await kubectl.run(kubectlArgs.logs(t));
    log.lines = stdout.split('\n').filter((l) => l.trim()).map(redact);
  } catch (err) {
    log.error = err instanceof KubectlError ? err.kubectlMessage : (err as Error).message;
  }
  return log;
}

async function readHelm(options: CollectOptions, context: string | undefined): Promise<HelmView> {
  let helm: Helm;
  try {
    helm = await Helm.create({ kubeContext: context, kubeconfig: options.kubeconfig, namespace: options.namespace, env: options.env, workspaceRoot: options.workspaceRoot });
  } catch (err) {
    return { error: `could not run helm (${(err as Error).message})` };
  }
  try {
    const [status, history] = await Promise.all([helm.status(options.release), helm.history(options.release, { max: 5 })]);
    return { status: releaseSummary(status), history };
  } catch (err) {
    if (err instanceof HelmError) {
      const notFound = /release: not found|has no deployed releases/i.test(err.helmMessage);
      return { error: err.helmMessage.replace(/^Error: /, ''), notFound };
    }
    return { error: (err as Error).message };
  }
}

function cannotInspect(err: unknown, kubectl: Kubectl, context: string | undefined, server: string | undefined): CannotInspect {
  const kubeconfig = kubectl.kubeconfigDescription;
  if (!(err instanceof KubectlError)) return new CannotInspect((err as Error).message, context, kubeconfig, server);
  const what = err.unreachable ? 'could not reach the cluster' : 'kubectl could not read the release';
  return new CannotInspect(`${what}: ${err.kubectlMessage}`, context, kubeconfig, server, err.command);
}
