// @todo/kube: typed clients over the Kubernetes tools (helm today). See README.md.
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
  findWorkspaceRoot,
  isExecutable,
  resolveHelmBinary,
  type HelmBinary,
  type HelmSource,
  type ResolveOptions,
} from './binary';
export type { ClusterOptions, SetValue, ValuesOptions, WaitStrategy } from './flags';
export { parseManifests, type K8sObject, type ObjectMeta } from './manifests';
export { HelmError, shellQuote, type ProgressListener } from './run';
export { labelsMatch, type LabelSelector } from './labels';
