// NetworkPolicy semantics over rendered objects (networking.k8s.io/v1), for release pods
// talking to each other: which policies isolate a pod, and whether a connection from one
// pod to another on a port is allowed by the sender's egress and the receiver's ingress.
// ipBlock peers are reported separately (they are about addresses outside the cluster).
import { labelsMatch, NAMESPACE, spec, type K8sObject, type LabelSelector, type PodTemplate } from './render';
import type { NetworkPolicyPort, NetworkPolicyPeer, NetworkPolicyRule, NetworkPolicySpec } from '@todo/kube';

export type { NetworkPolicyPort, NetworkPolicyPeer, NetworkPolicyRule, NetworkPolicySpec };

/** The labels Kubernetes puts on every namespace (what a namespaceSelector can match). */
const namespaceLabels = (name: string): Record<string, string> => ({ 'kubernetes.io/metadata.name': name });

export const policies = (objects: readonly K8sObject[]): { name: string; spec: NetworkPolicySpec }[] =>
  objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => ({ name: o.metadata.name, spec: spec(o) as NetworkPolicySpec }));

export type Direction = 'Ingress' | 'Egress';

/** Types a policy applies to: policyTypes, else Ingress plus Egress when it has egress rules (the API default). */
export function policyTypes(p: NetworkPolicySpec): Direction[] {
  if (p.policyTypes?.length) return p.policyTypes;
  return p.egress ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** Policies (of that direction) selecting the pod: when there is none, the pod is not isolated that way. */
export const policiesSelecting = (objects: readonly K8sObject[], pod: PodTemplate, direction: Direction) =>
  policies(objects).filter((p) => policyTypes(p.spec).includes(direction) && labelsMatch(p.spec.podSelector, pod.metadata.labels));

/** Does a peer (in a policy of the release namespace) match a release pod? ipBlock peers never do here. */
export function peerMatchesPod(peer: NetworkPolicyPeer, pod: PodTemplate): boolean {
  if (peer.ipBlock) return false;
  const nsOk = peer.namespaceSelector ? labelsMatch(peer.namespaceSelector, namespaceLabels(NAMESPACE)) : true;
  const podOk = peer.podSelector ? labelsMatch(peer.podSelector, pod.metadata.labels) : true;
  return nsOk && podOk;
}

/** Does a rule's ports list admit that port on the destination pod (numbers, or a named container port)? */
export function portAllowed(ports: NetworkPolicyPort[] | undefined, port: number, destination: PodTemplate, protocol = 'TCP'): boolean {
  if (!ports?.length) return true;
  const named = (name: string): number | undefined =>
    [...(destination.spec.initContainers ?? []), ...destination.spec.containers].flatMap((c) => c.ports ?? []).find((p) => p.name === name)?.containerPort;
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    const n = typeof p.port === 'number' ? p.port : named(p.port);
    if (n === undefined) return false;
    return p.endPort ? port >= n && port <= p.endPort : port === n;
  });
}

/** Receiver side: may `source` connect to `target` on `port`? */
export function ingressAllows(objects: readonly K8sObject[], target: PodTemplate, source: PodTemplate, port: number): boolean {
  const selecting = policiesSelecting(objects, target, 'Ingress');
  if (selecting.length === 0) return true;
  return selecting.some((p) =>
    (p.spec.ingress ?? []).some((rule) => (!rule.from?.length || rule.from.some((peer) => peerMatchesPod(peer, source))) && portAllowed(rule.ports, port, target)),
  );
}

/** Sender side: may `source` open a connection to `target` on `port`? */
export function egressAllows(objects: readonly K8sObject[], source: PodTemplate, target: PodTemplate, port: number, protocol = 'TCP'): boolean {
  const selecting = policiesSelecting(objects, source, 'Egress');
  if (selecting.length === 0) return true;
  return selecting.some((p) =>
    (p.spec.egress ?? []).some((rule) => (!rule.to?.length || rule.to.some((peer) => peerMatchesPod(peer, target))) && portAllowed(rule.ports, port, target, protocol)),
  );
}

/** Both ends agree: the connection works under the policies. */
export const connectionAllowed = (objects: readonly K8sObject[], source: PodTemplate, target: PodTemplate, port: number): boolean =>
  egressAllows(objects, source, target, port) && ingressAllows(objects, target, source, port);

/** Egress rules of policies selecting the pod that reach ipBlocks: `cidr -> ports`. */
export function ipBlockEgress(objects: readonly K8sObject[], pod: PodTemplate): { cidrs: string[]; ports: (number | string | undefined)[] }[] {
  return policiesSelecting(objects, pod, 'Egress').flatMap((p) =>
    (p.spec.egress ?? [])
      .filter((rule) => rule.to?.some((peer) => peer.ipBlock))
      .map((rule) => ({ cidrs: rule.to!.filter((peer) => peer.ipBlock).map((peer) => peer.ipBlock!.cidr), ports: (rule.ports ?? []).map((x) => x.port) })),
  );
}

/** Egress rules open to any destination (no `to`): e.g. DNS. */
export const anyDestinationEgress = (objects: readonly K8sObject[], pod: PodTemplate): NetworkPolicyRule[] =>
  policiesSelecting(objects, pod, 'Egress').flatMap((p) => (p.spec.egress ?? []).filter((rule) => !rule.to?.length));
