// The Kubernetes object shapes this workspace reads — rendered by helm or printed by
// `kubectl get -o json` — hand-written for the fields used (no @kubernetes/client-node).
// Fields the API server may leave out are optional.
import type { LabelSelector } from './labels';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  creationTimestamp?: string;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid?: string; controller?: boolean }[];
  [field: string]: unknown;
}

/** The typed base of every object below. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
}

/** Any object, e.g. one of helm's rendered manifests; read the rest through its fields. */
export interface K8sObject extends KubeObject {
  [field: string]: unknown;
}

/** A `kubectl get … -o json` answer. */
export interface KubeList<T extends KubeObject = KubeObject> {
  apiVersion: string;
  kind: 'List' | string;
  items: T[];
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

// ---------------------------------------------------------------- pods

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
    fieldRef?: { fieldPath: string };
    resourceFieldRef?: unknown;
  };
}

export interface EnvFromSource {
  configMapRef?: { name: string; optional?: boolean };
  secretRef?: { name: string; optional?: boolean };
  prefix?: string;
}

export interface Probe {
  httpGet?: { path?: string; port: number | string; scheme?: string };
  tcpSocket?: { port: number | string };
  exec?: { command: string[] };
  grpc?: { port: number };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  failureThreshold?: number;
  successThreshold?: number;
}

export interface LifecycleHandler {
  exec?: { command?: string[] };
  httpGet?: { path?: string; port?: number | string };
  sleep?: { seconds: number };
  tcpSocket?: unknown;
}

export interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  fsGroup?: number;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
  seccompProfile?: { type?: string };
}

export interface Container {
  name: string;
  image: string;
  imagePullPolicy?: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  lifecycle?: { preStop?: LifecycleHandler; postStart?: LifecycleHandler };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: SecurityContext;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}

export interface Volume {
  name: string;
  secret?: { secretName: string; optional?: boolean };
  configMap?: { name: string; optional?: boolean };
  persistentVolumeClaim?: { claimName: string };
  emptyDir?: unknown;
  projected?: unknown;
  hostPath?: unknown;
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
  nodeName?: string;
  restartPolicy?: string;
  securityContext?: SecurityContext;
  automountServiceAccountToken?: boolean;
  serviceAccountName?: string;
  terminationGracePeriodSeconds?: number;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
}

/** `spec.template` of a Deployment, StatefulSet or Job. */
export interface PodTemplateSpec {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: PodSpec;
}

export interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { reason?: string; exitCode: number; message?: string; startedAt?: string; finishedAt?: string };
}

export interface ContainerStatus {
  name: string;
  image: string;
  ready: boolean;
  started?: boolean;
  restartCount: number;
  state?: ContainerState;
  lastState?: ContainerState;
}

export interface Pod extends KubeObject {
  kind: 'Pod';
  spec: PodSpec;
  status: {
    phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
    reason?: string;
    message?: string;
    conditions?: { type: string; status: 'True' | 'False' | 'Unknown'; reason?: string; message?: string }[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
    startTime?: string;
  };
}

// ---------------------------------------------------------------- workloads

export interface Workload extends KubeObject {
  kind: 'Deployment' | 'StatefulSet';
  spec: { replicas?: number; selector: LabelSelector; template?: PodTemplateSpec };
  status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number; conditions?: Condition[] };
}

export interface Job extends KubeObject {
  kind: 'Job';
  spec: { backoffLimit?: number; activeDeadlineSeconds?: number; selector?: LabelSelector; template?: PodTemplateSpec };
  status?: { active?: number; succeeded?: number; failed?: number; startTime?: string; completionTime?: string; conditions?: Condition[] };
}

/** A CronJob: a Job on a schedule (the chart's backups). */
export interface CronJob extends KubeObject {
  kind: 'CronJob';
  spec: {
    schedule: string;
    timeZone?: string;
    suspend?: boolean;
    startingDeadlineSeconds?: number;
    concurrencyPolicy?: string;
    jobTemplate: { metadata?: PodTemplateSpec['metadata']; spec: Job['spec'] };
  };
  status?: { lastScheduleTime?: string; lastSuccessfulTime?: string; active?: { name: string }[] };
}
export interface MetricStatus {
  type: string;
  resource?: { name: string; current: { averageUtilization?: number; averageValue?: string } };
}

export interface HorizontalPodAutoscaler extends KubeObject {
  kind: 'HorizontalPodAutoscaler';
  spec: {
    scaleTargetRef: { kind: string; name: string; apiVersion?: string };
    minReplicas?: number;
    maxReplicas: number;
    metrics?: { type: string; resource?: { name: string; target: { type: string; averageUtilization?: number } } }[];
  };
  status?: { currentReplicas?: number; desiredReplicas?: number; currentMetrics?: MetricStatus[] | null; conditions?: Condition[] };
}

// ---------------------------------------------------------------- networking and storage

export interface Service extends KubeObject {
  kind: 'Service';
  spec: { type?: string; selector?: Record<string, string>; clusterIP?: string; ports?: { name?: string; port: number; targetPort?: number | string; nodePort?: number }[] };
}

export interface Endpoints extends KubeObject {
  kind: 'Endpoints';
  subsets?: { addresses?: { ip: string; targetRef?: { kind: string; name: string } }[]; notReadyAddresses?: { ip: string; targetRef?: { kind: string; name: string } }[] }[];
}

export interface Ingress extends KubeObject {
  kind: 'Ingress';
  spec: { ingressClassName?: string; rules?: { host?: string }[] };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

export interface IngressClass extends KubeObject {
  kind: 'IngressClass';
  spec: { controller: string };
}

export interface PersistentVolumeClaim extends KubeObject {
  kind: 'PersistentVolumeClaim';
  spec: { storageClassName?: string; accessModes?: string[]; resources?: { requests?: { storage?: string } } };
  status?: { phase?: 'Pending' | 'Bound' | 'Lost' };
}

export interface NetworkPolicyPort {
  port?: number | string;
  endPort?: number;
  protocol?: string;
}

export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

export interface NetworkPolicyRule {
  from?: NetworkPolicyPeer[];
  to?: NetworkPolicyPeer[];
  ports?: NetworkPolicyPort[];
}

export interface NetworkPolicySpec {
  podSelector: LabelSelector;
  policyTypes?: ('Ingress' | 'Egress')[];
  ingress?: NetworkPolicyRule[];
  egress?: NetworkPolicyRule[];
}

export interface NetworkPolicy extends KubeObject {
  kind: 'NetworkPolicy';
  spec: NetworkPolicySpec;
}

// ---------------------------------------------------------------- cluster

/** A core/v1 Event. Newer clusters fill `eventTime`/`series`, older ones `lastTimestamp`/`count`. */
export interface KubeEvent extends KubeObject {
  kind: 'Event';
  involvedObject: { kind: string; name: string; namespace?: string; fieldPath?: string };
  reason?: string;
  message?: string;
  type?: 'Normal' | 'Warning';
  count?: number;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  series?: { count: number; lastObservedTime: string };
}

/** An APIService (the metrics API's registration). */
export interface ApiService extends KubeObject {
  kind: 'APIService';
  status?: { conditions?: Condition[] };
}

/** A metrics.k8s.io/v1beta1 PodMetrics (metrics-server): usage per container, e.g. memory `52340Ki`. */
export interface PodMetrics extends KubeObject {
  kind: 'PodMetrics';
  containers: { name: string; usage: { cpu?: string; memory?: string } }[];
}
