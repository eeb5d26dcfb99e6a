// A finding: one problem in plain words, the evidence, and the commands that fix it.
// Plus the small helpers every check shares (whose pod is this, which values key, which events).
import type { KubeEvent, Pod } from '@todo/kube';
import type { Snapshot } from './snapshot';

/** critical: the app is down or cannot start; warning: degraded or about to break; info: worth knowing. */
export type Severity = 'critical' | 'warning' | 'info';

export const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info'];

export type FindingKind =
  | 'release-not-found'
  | 'release-failed'
  | 'release-pending'
  | 'image-pull'
  | 'pending-resources'
  | 'pending-volume'
  | 'pending-other'
  | 'crash-loop'
  | 'oom-killed'
  | 'probe-failing'
  | 'migration-failed'
  | 'migration-stuck'
  | 'backup-stale'
  | 'secret-missing'
  | 'secret-key-missing'
  | 'config-error'
  | 'create-failed'
  | 'hpa-no-metrics'
  | 'ingress-no-controller'
  | 'ingress-no-address'
  | 'service-no-endpoints'
  | 'volume-unbound'
  | 'dns-egress-blocked';

export interface Finding {
  kind: FindingKind;
  severity: Severity;
  /** `Kind/name` of what is wrong, e.g. `Deployment/todo-todo-chatbot-api`. */
  object: string;
  /** One sentence in plain words. */
  title: string;
  /** Evidence: event messages, status lines, the last log lines. */
  details: string[];
  /** What to do, most likely fix first; commands can be pasted as they are. */
  fix: string[];
}

/** What every check gets: the snapshot and facts derived once from it. */
export interface CheckContext {
  snapshot: Snapshot;
  /** The context looks like Minikube, so Minikube commands are the fix. */
  minikube: boolean;
  /** `-n NS` plus `--context CTX`, for the kubectl commands in fixes. */
  kubectlTarget: string;
  /** The chart's object-name prefix (its helper `todo-chatbot.fullname`), e.g. `todo-todo-chatbot`. */
  fullname: string;
}

export function checkContext(snapshot: Snapshot): CheckContext {
  const { context, server, namespace, release } = snapshot;
  const minikube = /minikube/i.test(context) || /^https:\/\/192\.168\.(49|58|59|39)\.\d+:8443$/.test(server ?? '');
  const kubectlTarget = [`-n ${namespace}`, context ? `--context ${context}` : ''].filter(Boolean).join(' ');
  return { snapshot, minikube, kubectlTarget, fullname: release.includes('todo-chatbot') ? release : `${release}-todo-chatbot` };
}

/**
 * The workload a pod belongs to, as `Kind/name`: a ReplicaSet's pod names its Deployment
 * (the ReplicaSet name minus the pod-template-hash), StatefulSet and Job pods name theirs.
 */
export function workloadOf(pod: Pod): string {
  const owner = pod.metadata.ownerReferences?.find((o) => o.controller) ?? pod.metadata.ownerReferences?.[0];
  if (!owner) return `Pod/${pod.metadata.name}`;
  if (owner.kind === 'ReplicaSet') {
    const hash = pod.metadata.labels?.['pod-template-hash'];
    const name = hash && owner.name.endsWith(`-${hash}`) ? owner.name.slice(0, -hash.length - 1) : owner.name.replace(/-[a-z0-9]{8,10}$/, '');
    return `Deployment/${name}`;
  }
  return `${owner.kind}/${owner.name}`;
}

/** The chart's component label (`web`, `api`, `postgresql`, `migrations`), if any. */
export function componentOf(pod: { metadata: { labels?: Record<string, string> } }): string | undefined {
  return pod.metadata.labels?.['app.kubernetes.io/component'];
}

/** The values block of a component, for `--set <prefix>.resources…`; `<component>` when unknown. */
export function valuesPrefix(component: string | undefined): string {
  return component && ['web', 'api', 'postgresql', 'migrations'].includes(component) ? component : '<component>';
}

/** `helm upgrade` keeping the release's values, with these changes. */
export function helmSet(ctx: CheckContext, sets: string[]): string {
  const { release, namespace, context } = ctx.snapshot;
  const ctxFlag = context ? ` --kube-context ${context}` : '';
  return `helm upgrade ${release} charts/todo-chatbot -n ${namespace}${ctxFlag} --reuse-values ${sets.map((s) => `--set ${s}`).join(' ')}`;
}

/** Events about one object, newest last. */
export function eventsFor(snapshot: Snapshot, kind: string, name: string): KubeEvent[] {
  return snapshot.events.filter((e) => e.involvedObject.kind === kind && e.involvedObject.name === name).sort((a, b) => eventTime(a).localeCompare(eventTime(b)));
}

export function eventTime(e: KubeEvent): string {
  return e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp ?? '';
}

/** `Reason: message (×count)`, the way a finding quotes an event. */
export function describeEvent(e: KubeEvent): string {
  const count = e.series?.count ?? e.count ?? 1;
  return `event ${e.reason ?? ''}: ${e.message ?? ''}${count > 1 ? ` (x${count})` : ''}`.replace(/\s+$/, '');
}

/**
 * Merges findings that are the same problem on several pods of one workload (two replicas
 * that cannot pull the same image): one finding, the pods listed in its details.
 */
export function mergeFindings(findings: Finding[]): Finding[] {
  const merged = new Map<string, Finding>();
  for (const f of findings) {
    const key = `${f.kind}|${f.object}|${f.title}`;
    const seen = merged.get(key);
    if (!seen) merged.set(key, { ...f, details: [...f.details], fix: [...f.fix] });
    else for (const d of f.details) if (!seen.details.includes(d)) seen.details.push(d);
  }
  return [...merged.values()];
}

export function bySeverity(a: Finding, b: Finding): number {
  return SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity);
}
