// @todo/kube: one process runner and typed clients over the Kubernetes-side tools. See README.md.
export { Helm, lintFindings } from './helm';
export type {
  CallOptions,
  HelmConfig,
  HistoryEntry,
  InstallOptions,
  LintFinding,
  LintOptions,
  Release,
  ReleaseStatus,
  TemplateOptions,
  UpgradeInstallOptions,
} from './helm';
export {
  describeHelmBinary,
  findOnPath,
  isExecutable,
  resolveHelmBinary,
  type HelmBinary,
  type HelmSource,
  type ResolveOptions,
} from './binary';
export {
  ensurePinnedHelm,
  ensurePinnedKubectl,
  HELM_VERSION,
  KUBECTL_VERSION,
  layerZip,
  pinnedHelmPath,
  pinnedKubectlPath,
  WORKSPACE_ROOT,
} from './pinned';
export { readTarEntry, readZipEntry } from './archive';
export type { ClusterOptions, SetValue, ValuesOptions, WaitStrategy } from './flags';
export { parseManifests } from './manifests';
export { cpuMillis, memoryBytes } from './quantity';
export type {
  ApiService,
  Condition,
  Container,
  ContainerState,
  CronJob,
  ContainerStatus,
  Endpoints,
  EnvFromSource,
  EnvVar,
  HorizontalPodAutoscaler,
  Ingress,
  IngressClass,
  Job,
  K8sObject,
  KubeEvent,
  KubeList,
  KubeObject,
  LifecycleHandler,
  MetricStatus,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  NetworkPolicyRule,
  NetworkPolicySpec,
  ObjectMeta,
  PersistentVolumeClaim,
  Pod,
  PodMetrics,
  PodSpec,
  PodTemplateSpec,
  Probe,
  SecurityContext,
  Service,
  Volume,
  Workload,
} from './k8s-types';
export {
  attemptCommand,
  CommandError,
  lastLineParser,
  runCommand,
  shellQuote,
  subcommandOf,
  type CommandErrorType,
  type CommandFailure,
  type ErrorParser,
  type Outcome,
  type ProgressListener,
  type RunOptions,
  type RunResult,
} from './command';
export { HelmError, helmErrorLine, isUnreachableMessage, KubectlError, kubectlErrorLine } from './errors';
export { Docker, type ToolCallOptions, type ToolConfig } from './docker';
export { Minikube, type MinikubeConfig, type StartOptions } from './minikube';
export {
  describeKubectlBinary,
  Kubectl,
  resolveKubectlBinary,
  type KubectlBinary,
  type KubectlCallOptions,
  type KubectlConfig,
  type KubectlResult,
  type KubectlSource,
  type KubeTarget,
} from './kubectl';
export { INSTANCE_LABEL, labelsMatch, releaseSelector, selectorString, type LabelSelector } from './labels';
