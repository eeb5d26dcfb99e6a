// Controllers that cannot even create their pods: admission (PodSecurity, quota) refused them.
import { describeEvent, type CheckContext, type Finding } from '../findings';

export function checkWorkloads(ctx: CheckContext): Finding[] {
  const { objects, events } = ctx.snapshot;
  const owners = [
    ...objects.deployments.map((d) => ({ object: `Deployment/${d.metadata.name}`, matches: (kind: string, name: string) => kind === 'ReplicaSet' && name.startsWith(`${d.metadata.name}-`) })),
    ...objects.statefulSets.map((s) => ({ object: `StatefulSet/${s.metadata.name}`, matches: (kind: string, name: string) => kind === 'StatefulSet' && name === s.metadata.name })),
    ...objects.jobs.map((j) => ({ object: `Job/${j.metadata.name}`, matches: (kind: string, name: string) => kind === 'Job' && name === j.metadata.name })),
  ];
  return owners.flatMap(({ object, matches }) => {
    const failures = events.filter((e) => e.reason === 'FailedCreate' && matches(e.involvedObject.kind, e.involvedObject.name));
    const latest = failures.at(-1);
    if (!latest) return [];
    const podSecurity = /violates PodSecurity/i.test(latest.message ?? '');
    const quota = /exceeded quota|must specify limits|must specify requests/i.test(latest.message ?? '');
    return [
      {
        kind: 'create-failed',
        severity: 'critical',
        object,
        title: `${object} cannot create its pods: the API server refused them${podSecurity ? ' (PodSecurity admission)' : quota ? ' (ResourceQuota or LimitRange)' : ''}.`,
        details: [describeEvent(latest)],
        fix: podSecurity
          ? [`The namespace enforces a Pod Security level the pods do not meet: kubectl get ns ${ctx.snapshot.namespace} --show-labels; the chart's pods meet "restricted" unless values loosened the security contexts.`]
          : quota
            ? [`kubectl describe resourcequota,limitrange ${ctx.kubectlTarget}; raise the quota or lower the requests and limits.`]
            : [`kubectl describe ${object.toLowerCase().replace('/', ' ')} ${ctx.kubectlTarget}`],
      } satisfies Finding,
    ];
  });
}
