// The shapes the chart tests read from rendered objects and from the values: only the fields
// they use, so a typo in a test is a type error rather than an undefined.
import type { K8sObject, LabelSelector } from '@todo/kube';

interface Egress<P> {
  cidrs: string[];
  ports: P;
}
/** The values the tests read (values.schema.json holds them all). */
export interface ChartValues {
  api: { containerPort: number };
  web: { containerPort: number };
  auth: { existingSecret?: string };
  llm: { apiKey?: string; existingSecret?: string; baseUrl?: string; egress: Egress<number[]> };
  postgresql: { enabled: boolean; containerPort: number; auth: { existingSecret?: string } };
  externalDatabase: { url?: string; existingSecret?: string; egress: Omit<Egress<never>, 'ports'> & { port: number } };
  networkPolicy: { allowExternal?: boolean; ingressControllerNamespaceSelector?: LabelSelector };
}

/** The `spec` fields the tests read of workloads, autoscalers, disruption budgets and Ingresses. */
export interface ObjectSpec {
  replicas?: number;
  selector?: LabelSelector;
  serviceName?: string;
  minReplicas?: number;
  maxReplicas?: number;
  minAvailable?: number | string;
  scaleTargetRef?: { apiVersion?: string; kind: string; name: string };
  template?: { metadata?: PodTemplate['metadata']; spec?: PodSpec };
  jobTemplate?: { spec?: { template?: { metadata?: PodTemplate['metadata']; spec?: PodSpec } } };
  volumeClaimTemplates?: { metadata: { name: string } }[];
  rules?: { host: string; http: { paths: { path: string; backend: { service: { name: string; port: { name?: string; number?: number } } } }[] } }[];
  tls?: { hosts: string[]; secretName: string }[];
}
/** A Service's `spec`. */
export interface ServiceSpec {
  selector?: Record<string, string>;
  ports?: { name: string; port: number; targetPort?: number | string; protocol?: string }[];
  type?: string;
  clusterIP?: string;
}

export interface Probe {
  httpGet?: { path?: string; port?: number | string; scheme?: string };
  tcpSocket?: { port?: number | string };
  exec?: { command?: string[] };
  grpc?: { port?: number };
  [field: string]: unknown;
}
export interface LifecycleHandler {
  exec?: { command?: string[] };
  httpGet?: { path?: string; port?: number | string };
  sleep?: { seconds: number };
  tcpSocket?: unknown;
}
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
  emptyDir?: unknown;
  persistentVolumeClaim?: { claimName: string };
  secret?: unknown;
  configMap?: unknown;
  projected?: unknown;
  hostPath?: unknown;
  [field: string]: unknown;
}
export interface PodSpec {
  securityContext?: SecurityContext;
  automountServiceAccountToken?: boolean;
  serviceAccountName?: string;
  containers: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
  [field: string]: unknown;
}
export interface PodTemplate {
  /** The object carrying the pod (Deployment, StatefulSet, Job or Pod). */
  owner: K8sObject;
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: PodSpec;
  /** Claims from a StatefulSet's volumeClaimTemplates (their names count as volumes). */
  claimTemplates: string[];
}
