// HorizontalPodAutoscalers that cannot read metrics: `kubectl get hpa` shows `<unknown>`.
import { describeEvent, eventsFor, type CheckContext, type Finding } from '../findings';

/** A new HPA has no metrics for its first minute or so; not a problem yet. */
const GRACE_MS = 2 * 60_000;

export function checkHpas(ctx: CheckContext): Finding[] {
  const { snapshot } = ctx;
  return snapshot.objects.hpas.flatMap((hpa) => {
    const active = hpa.status?.conditions?.find((c) => c.type === 'ScalingActive');
    const metricEvents = eventsFor(snapshot, 'HorizontalPodAutoscaler', hpa.metadata.name).filter((e) => /FailedGetResourceMetric|FailedComputeMetricsReplicas|FailedGetPodsMetric/.test(e.reason ?? ''));
    const noCurrent = !hpa.status?.currentMetrics?.some((m) => m.resource?.current.averageUtilization !== undefined || m.resource?.current.averageValue !== undefined);
    const failing = active?.status === 'False' || metricEvents.length > 0;
    const age = Date.parse(snapshot.collectedAt) - Date.parse(hpa.metadata.creationTimestamp ?? '');
    if (!(noCurrent && (failing || !snapshot.metrics.available)) || (snapshot.metrics.available && age < GRACE_MS)) return [];

    const message = `${active?.message ?? ''} ${metricEvents.map((e) => e.message).join(' ')}`;
    const missingRequest = /missing request for (cpu|memory)/.exec(message);
    const fix = !snapshot.metrics.available
      ? ctx.minikube
        ? ['Enable metrics-server (takes a minute to report): minikube addons enable metrics-server', 'Then: kubectl top pods ' + ctx.kubectlTarget]
        : ['Install metrics-server: kubectl apply -f https://github.com/kubernetes-sigs/metrics-server/releases/latest/download/components.yaml', 'Then: kubectl top pods ' + ctx.kubectlTarget]
      : missingRequest
        ? [`A container of ${hpa.spec.scaleTargetRef.name} has no ${missingRequest[1]} request, so utilisation cannot be computed: set <component>.resources.requests.${missingRequest[1]}.`]
        : [`kubectl describe hpa ${hpa.metadata.name} ${ctx.kubectlTarget}`];
    return [
      {
        kind: 'hpa-no-metrics',
        severity: 'warning',
        object: `HorizontalPodAutoscaler/${hpa.metadata.name}`,
        title: `The autoscaler of ${hpa.spec.scaleTargetRef.kind}/${hpa.spec.scaleTargetRef.name} has no metrics (kubectl shows <unknown>), so it cannot scale.`,
        details: [
          snapshot.metrics.available ? 'the metrics API (metrics.k8s.io) is available' : `the metrics API (metrics.k8s.io) is not available: ${snapshot.metrics.reason ?? 'no metrics-server'}`,
          ...(active ? [`condition ScalingActive=${active.status}: ${active.reason ?? ''} ${active.message ?? ''}`.trim()] : []),
          ...metricEvents.slice(-1).map(describeEvent),
        ],
        fix,
      } satisfies Finding,
    ];
  });
}
