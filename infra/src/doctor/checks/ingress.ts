// Ingresses nobody serves: no IngressClass (no controller installed), or a controller that
// never gave the Ingress an address.
import { describeEvent, eventsFor, type CheckContext, type Finding } from '../findings';

const DEFAULT_CLASS = 'ingressclass.kubernetes.io/is-default-class';
const GRACE_MS = 2 * 60_000;

export function checkIngresses(ctx: CheckContext): Finding[] {
  const { snapshot } = ctx;
  const classes = snapshot.ingressClasses;
  return snapshot.objects.ingresses.flatMap((ingress): Finding[] => {
    const wanted = ingress.spec.ingressClassName ?? ingress.metadata.annotations?.['kubernetes.io/ingress.class'];
    const cls = wanted ? classes.find((c) => c.metadata.name === wanted) : classes.find((c) => c.metadata.annotations?.[DEFAULT_CLASS] === 'true');
    const host = ingress.spec.rules?.find((r) => r.host)?.host;
    const object = `Ingress/${ingress.metadata.name}`;
    if (!cls) {
      const existing = classes.map((c) => `${c.metadata.name} (${c.spec.controller})`);
      return [
        {
          kind: 'ingress-no-controller',
          severity: 'warning',
          object,
          title: `No Ingress controller serves ${ingress.metadata.name}: the cluster has no IngressClass ${wanted ? `"${wanted}"` : 'marked default'}${host ? `, so http://${host} leads nowhere` : ''}.`,
          details: [existing.length ? `IngressClasses in the cluster: ${existing.join(', ')}` : 'the cluster has no IngressClass at all'],
          fix: [
            ctx.minikube
              ? 'Enable the NGINX Ingress controller: minikube addons enable ingress'
              : 'Install one, e.g. helm upgrade --install ingress-nginx ingress-nginx --repo https://kubernetes.github.io/ingress-nginx -n ingress-nginx --create-namespace',
            ...(existing.length ? [`Or use a class the cluster has: --set ingress.className=${classes[0]!.metadata.name}`] : []),
            'Meanwhile the app is reachable with a port-forward (see the chart NOTES): kubectl port-forward svc/' + ctx.fullname + '-web 8080:80 ' + ctx.kubectlTarget,
          ],
        } satisfies Finding,
      ];
    }
    const addressed = ingress.status?.loadBalancer?.ingress?.length;
    const age = Date.parse(snapshot.collectedAt) - Date.parse(ingress.metadata.creationTimestamp ?? '');
    if (addressed || age < GRACE_MS) return [];
    return [
      {
        kind: 'ingress-no-address',
        severity: 'warning',
        object,
        title: `The Ingress ${ingress.metadata.name} has no address yet: its controller (${cls.spec.controller}) has not picked it up.`,
        details: eventsFor(snapshot, 'Ingress', ingress.metadata.name).slice(-2).map(describeEvent),
        fix: [
          'Is the controller running? kubectl get pods -A -l app.kubernetes.io/name=ingress-nginx',
          ...(ctx.minikube ? ['Minikube: minikube addons enable ingress (again), then wait a minute; reach it with minikube ip or minikube tunnel.'] : []),
        ],
      } satisfies Finding,
    ];
  });
}
