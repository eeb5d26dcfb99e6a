// Services with no endpoints: a selector that matches no pod (names drifted), or pods that
// are not ready (the pod findings say why).
import { labelsMatch, selectorString } from '@todo/kube';
import type { CheckContext, Finding } from '../findings';

export function checkServices(ctx: CheckContext): Finding[] {
  const { objects } = ctx.snapshot;
  const livePods = objects.pods.filter((p) => p.status.phase !== 'Succeeded' && p.status.phase !== 'Failed');
  return objects.services.flatMap((service): Finding[] => {
    const selector = service.spec.selector;
    if (!selector || !Object.keys(selector).length || service.spec.type === 'ExternalName') return [];
    const endpoints = objects.endpoints.find((e) => e.metadata.name === service.metadata.name);
    if (!endpoints) return []; // not collected (or not created yet): nothing to say
    const ready = (endpoints.subsets ?? []).reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
    if (ready > 0) return [];
    const matching = livePods.filter((p) => labelsMatch({ matchLabels: selector }, p.metadata.labels));
    const wanted = selectorString(selector);
    const object = `Service/${service.metadata.name}`;
    if (!matching.length) {
      const candidates = livePods.slice(0, 4).map((p) => `pod ${p.metadata.name} has ${selectorString(Object.fromEntries(Object.entries(p.metadata.labels ?? {}).filter(([k]) => k.startsWith('app.kubernetes.io/'))))}`);
      return [
        {
          kind: 'service-no-endpoints',
          severity: 'critical',
          object,
          title: `The Service ${service.metadata.name} selects no pod (selector ${wanted}), so nothing answers on it.`,
          details: candidates.length ? candidates : ['the release has no running pods'],
          fix: [
            `Compare the selector with the pod labels: kubectl get pods ${ctx.kubectlTarget} -l ${wanted} --show-labels`,
            'Selectors must use only the name, instance and component labels from the chart\'s helpers; a changed nameOverride or a hand-edited Service breaks the match.',
          ],
        } satisfies Finding,
      ];
    }
    return [
      {
        kind: 'service-no-endpoints',
        severity: 'warning',
        object,
        title: `The Service ${service.metadata.name} has no ready pod behind it (${matching.length} selected, none ready): requests to it fail.`,
        details: matching.map((p) => `pod ${p.metadata.name}: ${p.status.phase}, ready ${p.status.containerStatuses?.filter((c) => c.ready).length ?? 0}/${p.spec.containers.length}`),
        fix: ['See the findings about those pods above.'],
      } satisfies Finding,
    ];
  });
}
