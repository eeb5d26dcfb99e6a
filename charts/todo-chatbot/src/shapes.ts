// The shapes the chart tests read from rendered objects and from the values: only the fields
// they use, so a typo in a test is a type error rather than an undefined.
import type { K8sObject, LabelSelector } from '@todo/kube';
import type { Probe, LifecycleHandler, EnvVar, EnvFromSource, SecurityContext, Container, Volume, PodSpec } from '@todo/kube';

// The Kubernetes shapes come from @todo/kube; the chart's tests read them through here.
export type { Probe, LifecycleHandler, EnvVar, EnvFromSource, SecurityContext, Container, Volume, PodSpec };

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
  postgresql: { enabled: boolean; containerPort: number; auth: { existingSecret?: string }; volumePermissions: { enabled: boolean } };
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

export interface PodTemplate {
  /** The object carrying the pod (Deployment, StatefulSet, Job or Pod). */
  owner: K8sObject;
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: PodSpec;
  /** Claims from a StatefulSet's volumeClaimTemplates (their names count as volumes). */
  claimTemplates: string[];
}
