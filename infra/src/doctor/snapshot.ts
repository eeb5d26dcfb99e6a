// What the collector gathers from the cluster, and the pure parsers that turn kubectl's
// output into it. The analysis reads only this, so it is tested with fixtures, no cluster.
import type {
  ApiService,
  CronJob,
  Endpoints,
  HistoryEntry,
  HorizontalPodAutoscaler,
  Ingress,
  IngressClass,
  Job,
  KubeEvent,
  KubeList,
  KubeObject,
  NetworkPolicy,
  PersistentVolumeClaim,
  Pod,
  Release,
  Service,
  Workload,
} from '@todo/kube';

/** A Secret as the doctor sees it: its name, type and key names. Values are never read. */
export interface SecretKeys {
  name: string;
  type: string;
  keys: string[];
}

/** The last lines of one container's log (`previous`: of the run before the current one). */
export interface ContainerLog {
  pod: string;
  container: string;
  previous: boolean;
  lines: string[];
  /** kubectl's error when the log could not be read. */
  error?: string;
}

/** The release's objects (selected by releaseSelector: `app.kubernetes.io/instance=<release>`), sorted by kind. */
export interface ReleaseObjects {
  pods: Pod[];
  deployments: Workload[];
  statefulSets: Workload[];
  jobs: Job[];
  cronJobs: CronJob[];
  hpas: HorizontalPodAutoscaler[];
  ingresses: Ingress[];
  services: Service[];
  endpoints: Endpoints[];
  pvcs: PersistentVolumeClaim[];
  networkPolicies: NetworkPolicy[];
}

export interface HelmView {
  /** `helm status`, when it answered. */
  status?: Release;
  history?: HistoryEntry[];
  /** Why helm could not tell (release not found, helm missing, …). */
  error?: string;
  /** helm said the release does not exist. */
  notFound?: boolean;
}

export interface Snapshot {
  release: string;
  namespace: string;
  /** The kube context used (given, or the kubeconfig's current one). */
  context: string;
  /** The API server URL of that context, for messages. */
  server?: string;
  collectedAt: string;
  objects: ReleaseObjects;
  /** Every Secret of the namespace, names and keys only: pods may reference Secrets the chart does not own. */
  secrets: SecretKeys[];
  /** Cluster-wide IngressClasses. */
  ingressClasses: IngressClass[];
  /** Events of the namespace. */
  events: KubeEvent[];
  logs: ContainerLog[];
  /** Is the resource metrics API (metrics-server) serving? `reason` says why not. */
  metrics: { available: boolean; reason?: string };
  helm: HelmView;
  /** Things the collector could not read; reported, not fatal. */
  gaps: string[];
}

export function emptyObjects(): ReleaseObjects {
  return { pods: [], deployments: [], statefulSets: [], jobs: [], cronJobs: [], hpas: [], ingresses: [], services: [], endpoints: [], pvcs: [], networkPolicies: [] };
}

/** Sorts the items of one `kubectl get a,b,c -o json` List by kind. Unknown kinds are ignored. */
export function sortObjects(list: KubeList): ReleaseObjects {
  const objects = emptyObjects();
  const byKind: Record<string, KubeObject[]> = {
    Pod: objects.pods,
    Deployment: objects.deployments,
    StatefulSet: objects.statefulSets,
    Job: objects.jobs,
    CronJob: objects.cronJobs,
    HorizontalPodAutoscaler: objects.hpas,
    Ingress: objects.ingresses,
    Service: objects.services,
    Endpoints: objects.endpoints,
    PersistentVolumeClaim: objects.pvcs,
    NetworkPolicy: objects.networkPolicies,
  };
  for (const item of list.items ?? []) byKind[item.kind]?.push(item);
  return objects;
}

/**
 * Go template for `kubectl get secrets -o go-template=…`: one line per Secret, `name<TAB>type<TAB>key,key`.
 * Only key names leave kubectl; values never reach this process.
 */
export const SECRET_KEYS_TEMPLATE = '{{range .items}}{{.metadata.name}}\t{{.type}}\t{{range $k, $v := .data}}{{$k}},{{end}}\n{{end}}';

export function parseSecretKeys(text: string): SecretKeys[] {
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const [name = '', type = '', keys = ''] = line.split('\t');
      return { name, type, keys: keys.split(',').filter(Boolean) };
    });
}

/** The inverse of parseSecretKeys: the text SECRET_KEYS_TEMPLATE makes kubectl print. */
export function formatSecretKeys(secrets: readonly SecretKeys[]): string {
  return secrets.map((s) => `${s.name}\t${s.type}\t${s.keys.map((k) => `${k},`).join('')}\n`).join('');
}

/** The metrics API's state from `kubectl get apiservice v1beta1.metrics.k8s.io -o json`. */
export function metricsAvailability(apiService: ApiService): { available: boolean; reason?: string } {
  const available = apiService.status?.conditions?.find((c) => c.type === 'Available');
  if (available?.status === 'True') return { available: true };
  return { available: false, reason: available?.message ?? available?.reason ?? 'the metrics APIService is not Available' };
}

/**
 * Hides credentials that apps sometimes print in errors: the password of a URL
 * (`postgresql://todo:s3cret@db` → `postgresql://todo:***@db`) and `key=value` pairs
 * whose name says secret, password, token or key.
 */
export function redact(line: string): string {
  return line
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/\s@]+:)[^@\s]+@/gi, '$1***@')
    .replace(/\b([A-Z0-9_]*(?:SECRET|PASSWORD|TOKEN|API_KEY)[A-Z0-9_]*)=(\S+)/gi, '$1=***')
    .replace(/\b(Bearer )[A-Za-z0-9._~+/=-]{8,}/g, '$1***');
}

/**
 * What the doctor keeps of `helm status`: name, revision, the state and notes, the chart's
 * name. Never the rest: the manifest, hooks and `info.resources` (helm 4) hold the rendered
 * Secrets with their values, `config` the values given (credentials too).
 */
export function releaseSummary({ name, namespace, version, info, chart }: Release): Release {
  const { status, description, notes, first_deployed, last_deployed } = info;
  return { name, namespace, version, info: { status, description, notes, first_deployed, last_deployed }, ...(chart && { chart: { metadata: chart.metadata } }) };
}
