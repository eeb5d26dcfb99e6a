// The parts of Kubernetes objects the doctor reads, as `kubectl get -o json` prints them.
// Every field is optional where the API server may leave it out.
import type { LabelSelector } from '@todo/kube';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  creationTimestamp?: string;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid?: string; controller?: boolean }[];
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
  };
}

export interface Probe {
  httpGet?: { path?: string; port: number | string; scheme?: string };
  tcpSocket?: { port: number | string };
  exec?: { command: string[] };
  periodSeconds?: number;
  failureThreshold?: number;
}

export interface Container {
  name: string;
  image: string;
  imagePullPolicy?: string;
  env?: EnvVar[];
  envFrom?: { secretRef?: { name: string; optional?: boolean }; configMapRef?: { name: string; optional?: boolean } }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
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
  spec: {
    containers: Container[];
    initContainers?: Container[];
    volumes?: { name: string; secret?: { secretName: string; optional?: boolean }; persistentVolumeClaim?: { claimName: string } }[];
    nodeName?: string;
    restartPolicy?: string;
  };
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

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface Workload extends KubeObject {
  kind: 'Deployment' | 'StatefulSet';
  spec: { replicas?: number; selector: LabelSelector };
  status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number; conditions?: Condition[] };
}

export interface Job extends KubeObject {
  kind: 'Job';
  spec: { backoffLimit?: number; activeDeadlineSeconds?: number; selector?: LabelSelector };
  status?: { active?: number; succeeded?: number; failed?: number; startTime?: string; completionTime?: string; conditions?: Condition[] };
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

export interface Ingress extends KubeObject {
  kind: 'Ingress';
  spec: { ingressClassName?: string; rules?: { host?: string }[] };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

export interface IngressClass extends KubeObject {
  kind: 'IngressClass';
  spec: { controller: string };
}

export interface Service extends KubeObject {
  kind: 'Service';
  spec: { type?: string; selector?: Record<string, string>; clusterIP?: string; ports?: { name?: string; port: number; targetPort?: number | string }[] };
}

export interface Endpoints extends KubeObject {
  kind: 'Endpoints';
  subsets?: { addresses?: { ip: string; targetRef?: { kind: string; name: string } }[]; notReadyAddresses?: { ip: string; targetRef?: { kind: string; name: string } }[] }[];
}

export interface PersistentVolumeClaim extends KubeObject {
  kind: 'PersistentVolumeClaim';
  spec: { storageClassName?: string; accessModes?: string[]; resources?: { requests?: { storage?: string } } };
  status?: { phase?: 'Pending' | 'Bound' | 'Lost' };
}

export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

export interface NetworkPolicy extends KubeObject {
  kind: 'NetworkPolicy';
  spec: {
    podSelector: LabelSelector;
    policyTypes?: ('Ingress' | 'Egress')[];
    egress?: { to?: NetworkPolicyPeer[]; ports?: { protocol?: string; port?: number | string; endPort?: number }[] }[];
  };
}

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

/** A `kubectl get … -o json` answer. */
export interface KubeList<T extends KubeObject = KubeObject> {
  apiVersion: string;
  kind: 'List' | string;
  items: T[];
}

/** An APIService (the metrics API's registration). */
export interface ApiService extends KubeObject {
  kind: 'APIService';
  status?: { conditions?: Condition[] };
}
