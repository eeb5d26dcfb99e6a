// Shared helpers of the chart tests: render the real chart with the real helm (@todo/kube),
// then walk the objects the way Kubernetes would (pod specs, containers, label selectors).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { Helm, type K8sObject } from '@todo/kube';
import { labelsMatch, type LabelSelector } from '@todo/kube';
import type { ChartValues, Container, ObjectSpec, PodSpec, PodTemplate } from './shapes';
import { chartDir, root } from './workspace';

export type { K8sObject };
export type * from './shapes';

/** A non-default release and namespace, so a hard-coded `default` or `todo` shows. */
export const RELEASE = 'rel';
export const NAMESPACE = 'demo';
/** The fullname the chart derives for RELEASE ("<release>-<chart>"). */
export const FULLNAME = `${RELEASE}-todo-chatbot`;

/** Kubernetes versions on either side of the kubelet `sleep` preStop action (1.30). */
export const KUBE_OLD = '1.29.0';
export const KUBE_NEW = '1.34.0';

export interface RenderOptions {
  isUpgrade?: boolean;
  kubeVersion?: string;
  /** Extra values files after the case's own (later ones win). */
  values?: string[];
  set?: Record<string, string | number | boolean | null>;
  setJson?: Record<string, unknown>;
  /** API versions the pretend cluster serves beyond the built-in ones (helm --api-versions). */
  apiVersions?: string[];
}

export interface Rendered {
  /** e.g. `existing-secret (upgrade, k8s 1.29.0)` */
  label: string;
  caseName: string;
  isUpgrade: boolean;
  kubeVersion: string;
  objects: K8sObject[];
}

const ciDir = path.join(chartDir, 'ci');

/** The CI matrix: `charts/todo-chatbot/ci/<case>-values.yaml` → `<case>`. */
export const CI_CASES: string[] = readdirSync(ciDir)
  .filter((f) => f.endsWith('-values.yaml'))
  .sort()
  .map((f) => f.replace(/-values\.yaml$/, ''));

export const ciValuesFile = (caseName: string): string => path.join(ciDir, `${caseName}-values.yaml`);

/** The chart's values.yaml with a CI case's file merged over it (maps merge, anything else replaces). */
export function caseValues(caseName: string): ChartValues {
  const load = (file: string): unknown => parse(readFileSync(file, 'utf8')) ?? {};
  // values.schema.json validates every CI case, so the merged values have this shape.
  return merge(load(path.join(chartDir, 'values.yaml')), load(ciValuesFile(caseName))) as ChartValues;
}
function merge(base: unknown, over: unknown): unknown {
  const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isMap(base) || !isMap(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
  return out;
}

let helmPromise: Promise<Helm> | undefined;
const helm = (): Promise<Helm> => (helmPromise ??= Helm.create({ workspaceRoot: root }));

/** Renders one CI case (`helm template rel charts/todo-chatbot -n demo -f ci/<case>-values.yaml`). */
export async function render(caseName: string, options: RenderOptions = {}): Promise<Rendered> {
  const isUpgrade = options.isUpgrade ?? false;
  const kubeVersion = options.kubeVersion ?? KUBE_NEW;
  const objects = await (
    await helm()
  ).template(chartDir, {
    release: RELEASE,
    namespace: NAMESPACE,
    values: [ciValuesFile(caseName), ...(options.values ?? [])],
    set: options.set,
    setJson: options.setJson,
    ...(options.apiVersions ? { apiVersions: options.apiVersions } : {}),
    kubeVersion,
    isUpgrade,
  });
  const extra = options.set || options.setJson || options.values?.length ? ', extra values' : '';
  return { label: `${caseName} (${isUpgrade ? 'upgrade' : 'install'}, k8s ${kubeVersion}${extra})`, caseName, isUpgrade, kubeVersion, objects };
}

/** Every CI case as an install and as an upgrade, for each Kubernetes version given. */
export async function renderMatrix(kubeVersions: readonly string[] = [KUBE_NEW]): Promise<Rendered[]> {
  const jobs: Promise<Rendered>[] = [];
  for (const caseName of CI_CASES)
    for (const kubeVersion of kubeVersions) for (const isUpgrade of [false, true]) jobs.push(render(caseName, { isUpgrade, kubeVersion }));
  return Promise.all(jobs);
}

// ---------------------------------------------------------------- objects

export const ofKind = (objects: readonly K8sObject[], kind: string): K8sObject[] => objects.filter((o) => o.kind === kind);

/** The one object of that kind and name; throws (naming what exists) when there is none. */
export function getObject(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name}; rendered: ${objects.map(id).join(', ')}`);
  return found;
}

export const id = (o: K8sObject): string => `${o.kind}/${o.metadata.name}`;

export const isHook = (o: K8sObject): boolean => Boolean(o.metadata.annotations?.['helm.sh/hook']);
export const isTest = (o: K8sObject): boolean => (o.metadata.annotations?.['helm.sh/hook'] ?? '').split(',').includes('test');

/** Component label of an object (web, api, postgresql, migrations, test), if any. */
export const componentOf = (o: { metadata?: { labels?: Record<string, string> } }): string | undefined =>
  o.metadata?.labels?.['app.kubernetes.io/component'];

/** An object's `spec`, as the shape the caller names (ObjectSpec unless told). */
export const spec = <T extends object = ObjectSpec>(o: K8sObject): T => ((o as { spec?: T }).spec ?? {}) as T;

// ---------------------------------------------------------------- pods

export const POD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod'];

/** Every pod the objects would create: one template per pod-bearing object. */
export function podSpecs(objects: readonly K8sObject[]): PodTemplate[] {
  const pods: PodTemplate[] = [];
  for (const o of objects) {
    if (!POD_KINDS.includes(o.kind)) continue;
    const s = spec(o);
    if (o.kind === 'Pod') {
      pods.push({ owner: o, metadata: o.metadata, spec: spec<PodSpec>(o), claimTemplates: [] });
      continue;
    }
    const template = o.kind === 'CronJob' ? s.jobTemplate?.spec?.template : s.template;
    if (!template?.spec) throw new Error(`${id(o)} has no pod template`);
    const claimTemplates = (s.volumeClaimTemplates ?? []).map((c) => c.metadata.name);
    pods.push({ owner: o, metadata: template.metadata ?? {}, spec: template.spec, claimTemplates });
  }
  return pods;
}

/** Containers and init containers of a pod. */
export const containers = (pod: PodTemplate | PodSpec): Container[] => {
  const s: PodSpec = 'owner' in pod && 'claimTemplates' in pod ? (pod as PodTemplate).spec : (pod as PodSpec);
  return [...(s.initContainers ?? []), ...s.containers];
};

/** The pod template of the workload of that component (web, api, postgresql, migrations); throws when absent. */
export function podOf(objects: readonly K8sObject[], kind: string, component: string): PodTemplate {
  const found = podSpecs(objects).filter((p) => p.owner.kind === kind && p.metadata.labels?.['app.kubernetes.io/component'] === component);
  if (found.length !== 1) throw new Error(`expected one ${kind} of component ${component}, found ${found.length}`);
  return found[0]!;
}

/** The main container of the app Deployment of that component. */
export function appContainer(objects: readonly K8sObject[], component: 'web' | 'api'): Container {
  const pod = podOf(objects, 'Deployment', component);
  const c = pod.spec.containers.find((x) => x.name === component);
  if (!c) throw new Error(`the ${component} Deployment has no container named ${component}`);
  return c;
}

// ---------------------------------------------------------------- selectors

export { labelsMatch, type LabelSelector } from '@todo/kube';

/** Pods (templates) in the render that a selector picks. */
export const podsSelectedBy = (objects: readonly K8sObject[], selector: LabelSelector | undefined): PodTemplate[] =>
  podSpecs(objects).filter((p) => labelsMatch(selector, p.metadata.labels));

// ---------------------------------------------------------------- environment

export interface ResolvedEnvVar {
  name: string;
  /** Literal value (from `value` or from a rendered ConfigMap through envFrom). */
  value?: string;
  secretKeyRef?: { name: string; key: string };
  /** Where it came from: `env[3]` or `envFrom ConfigMap/<name>`. */
  source: string;
}

/**
 * A container's environment as Kubernetes assembles it: envFrom sources first (ConfigMaps
 * resolved from the render), then `env` entries, a later definition replacing an earlier one.
 * A ConfigMap or Secret referenced by envFrom that the render does not hold is an error
 * (a secretRef is resolved to its keys only when the Secret is rendered).
 */
export function resolvedEnv(objects: readonly K8sObject[], container: Container): Map<string, ResolvedEnvVar> {
  const env = new Map<string, ResolvedEnvVar>();
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.configMapRef) {
      const cm = getObject(objects, 'ConfigMap', from.configMapRef.name) as K8sObject & { data?: Record<string, string> };
      for (const [k, v] of Object.entries(cm.data ?? {}))
        env.set(prefix + k, { name: prefix + k, value: String(v), source: `envFrom ConfigMap/${from.configMapRef.name}` });
    } else if (from.secretRef) {
      const secret = getObject(objects, 'Secret', from.secretRef.name) as K8sObject & { data?: Record<string, string> };
      for (const k of Object.keys(secret.data ?? {}))
        env.set(prefix + k, { name: prefix + k, secretKeyRef: { name: from.secretRef.name, key: k }, source: `envFrom Secret/${from.secretRef.name}` });
    }
  }
  (container.env ?? []).forEach((e, i) => {
    const ref = e.valueFrom?.secretKeyRef;
    const cmRef = e.valueFrom?.configMapKeyRef;
    let value = e.value;
    if (cmRef) {
      const cm = getObject(objects, 'ConfigMap', cmRef.name) as K8sObject & { data?: Record<string, string> };
      value = cm.data?.[cmRef.key];
    }
    env.set(e.name, { name: e.name, value, secretKeyRef: ref ? { name: ref.name, key: ref.key } : undefined, source: `env[${i}]` });
  });
  return env;
}

/** `$(NAME)` references in a value (Kubernetes dependent environment variables; `$$(X)` is an escape). */
export const envReferences = (value: string): string[] =>
  [...value.matchAll(/(?<!\$)\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)].map((m) => m[1]!);

/** The rendered Secret's decoded values, by key (empty when the render has no such Secret). */
export function secretData(objects: readonly K8sObject[], name: string): Record<string, string> | undefined {
  const s = objects.find((o) => o.kind === 'Secret' && o.metadata.name === name) as
    | (K8sObject & { data?: Record<string, string>; stringData?: Record<string, string> })
    | undefined;
  if (!s) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.data ?? {})) out[k] = Buffer.from(String(v), 'base64').toString('utf8');
  for (const [k, v] of Object.entries(s.stringData ?? {})) out[k] = String(v);
  return out;
}
