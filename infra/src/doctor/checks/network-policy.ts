// NetworkPolicies that restrict egress without letting pods reach DNS: every host name
// (the database's Service, the LLM API) then fails to resolve.
import { labelsMatch, type NetworkPolicy } from '@todo/kube';
import { helmSet, type CheckContext, type Finding } from '../findings';

/** Does a policy restrict egress for the pods it selects? */
function restrictsEgress(policy: NetworkPolicy): boolean {
  return policy.spec.policyTypes ? policy.spec.policyTypes.includes('Egress') : policy.spec.egress !== undefined;
}

/** Does a policy allow egress on port 53? (A rule without ports allows every port.) */
function allowsDns(policy: NetworkPolicy): boolean {
  return (policy.spec.egress ?? []).some((rule) => !rule.ports?.length || rule.ports.some((p) => p.port === undefined || p.port === 53 || p.port === 'dns' || p.port === 'dns-tcp' || (typeof p.port === 'number' && p.endPort !== undefined && p.port <= 53 && 53 <= p.endPort)));
}

export function checkNetworkPolicies(ctx: CheckContext): Finding[] {
  const { objects } = ctx.snapshot;
  const egressPolicies = objects.networkPolicies.filter(restrictsEgress);
  if (!egressPolicies.length) return [];
  const blocked = objects.pods.filter((pod) => {
    if (pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed') return false;
    const mine = egressPolicies.filter((p) => labelsMatch(p.spec.podSelector, pod.metadata.labels));
    return mine.length > 0 && !mine.some(allowsDns);
  });
  if (!blocked.length) return [];
  return [
    {
      kind: 'dns-egress-blocked',
      severity: 'warning',
      object: `NetworkPolicy/${egressPolicies.map((p) => p.metadata.name).join(',')}`,
      title: `NetworkPolicies restrict egress but none allows DNS (port 53) for ${blocked.length} pod(s): they cannot resolve the database or any other host name.`,
      details: blocked.map((p) => `pod ${p.metadata.name} is limited by ${egressPolicies.filter((x) => labelsMatch(x.spec.podSelector, p.metadata.labels)).map((x) => x.metadata.name).join(', ')}`),
      fix: [
        `The chart's ${ctx.fullname}-allow-dns policy allows port 53 (UDP and TCP) for every pod of the release; recreate it: ${helmSet(ctx, ['networkPolicy.enabled=true'])}`,
        `See what is there: kubectl get networkpolicy ${ctx.kubectlTarget} -o wide`,
      ],
    },
  ];
}
