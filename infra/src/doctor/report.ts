// Findings → what the user reads (text grouped by severity, or JSON) and the exit code.
import { SEVERITIES, type Finding, type Severity } from './findings';
import type { Snapshot } from './snapshot';

/** 0: healthy (info findings at most); 1: problems found; 2: could not inspect. */
export type ExitCode = 0 | 1 | 2;

export function exitCodeOf(findings: readonly Finding[]): ExitCode {
  return findings.some((f) => f.severity !== 'info') ? 1 : 0;
}

const HEADINGS: Record<Severity, string> = { critical: 'CRITICAL', warning: 'WARNING', info: 'INFO' };

/** One line on what was looked at, so "no problems" is believable. */
export function scope(snapshot: Snapshot): string {
  const o = snapshot.objects;
  const counts: [number, string, string][] = [
    [o.pods.length, 'pod', 'pods'],
    [o.deployments.length + o.statefulSets.length, 'workload', 'workloads'],
    [o.jobs.length, 'job', 'jobs'],
    [o.services.length, 'service', 'services'],
    [o.hpas.length, 'autoscaler', 'autoscalers'],
    [o.ingresses.length, 'ingress', 'ingresses'],
    [o.networkPolicies.length, 'network policy', 'network policies'],
    [snapshot.events.length, 'event', 'events'],
  ];
  const checked = counts.map(([n, one, many]) => `${n} ${n === 1 ? one : many}`);
  const helm = snapshot.helm.status ? `Helm revision ${snapshot.helm.status.version} (${snapshot.helm.status.info.status})` : snapshot.helm.notFound ? 'no Helm release' : 'Helm status unknown';
  return `Checked ${checked.join(', ')}; ${helm}.`;
}

export function renderText(snapshot: Snapshot, findings: readonly Finding[], tool?: string): string {
  const out: string[] = [];
  out.push(`infra:doctor: release "${snapshot.release}" in namespace "${snapshot.namespace}" (context ${snapshot.context || '(none)'}${snapshot.server ? `, ${snapshot.server}` : ''})`);
  out.push(scope(snapshot) + (tool ? ` Using ${tool}.` : ''));
  out.push('');
  if (!findings.length) {
    out.push('No problems found: every pod is running and ready, and nothing in the events needs attention.');
  }
  for (const severity of SEVERITIES) {
    const group = findings.filter((f) => f.severity === severity);
    if (!group.length) continue;
    out.push(`${HEADINGS[severity]} (${group.length})`);
    group.forEach((f, i) => {
      out.push(`  ${i + 1}. [${f.object}] ${f.title}`);
      for (const d of f.details) out.push(`       ${d}`);
      f.fix.forEach((line, j) => out.push(`     ${j === 0 ? 'fix:' : '    '} ${line}`));
      out.push('');
    });
  }
  if (snapshot.gaps.length) {
    out.push('Not checked (could not read):');
    for (const gap of snapshot.gaps) out.push(`  - ${gap}`);
    out.push('');
  }
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  out.push(`${count('critical')} critical, ${count('warning')} warning, ${count('info')} info. Exit code ${exitCodeOf(findings)}.`);
  return out.join('\n');
}

export interface JsonReport {
  release: string;
  namespace: string;
  context: string;
  server?: string;
  collectedAt: string;
  exitCode: ExitCode;
  summary: Record<Severity, number>;
  findings: readonly Finding[];
  gaps: string[];
  aiSummary?: string;
  aiNote?: string;
}

export function jsonReport(snapshot: Snapshot, findings: readonly Finding[]): JsonReport {
  const summary = Object.fromEntries(SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length])) as Record<Severity, number>;
  return {
    release: snapshot.release,
    namespace: snapshot.namespace,
    context: snapshot.context,
    server: snapshot.server,
    collectedAt: snapshot.collectedAt,
    exitCode: exitCodeOf(findings),
    summary,
    findings,
    gaps: snapshot.gaps,
  };
}

/** The message for exit code 2: what was tried, in plain words. */
export function renderCannotInspect(e: { message: string; context?: string; kubeconfig: string; server?: string; command?: string }): string {
  return [
    `infra:doctor could not inspect the cluster: ${e.message}`,
    `  kubeconfig: ${e.kubeconfig}`,
    `  context:    ${e.context || '(none: the kubeconfig has no current context)'}`,
    ...(e.server ? [`  server:     ${e.server}`] : []),
    ...(e.command ? [`  command:    ${e.command}`] : []),
    'Is the cluster running (minikube status), and is this the right context (kubectl config get-contexts)? Pass --context or --kubeconfig to choose another.',
  ].join('\n');
}
