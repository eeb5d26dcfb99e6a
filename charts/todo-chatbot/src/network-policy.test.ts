// 5. NetworkPolicies select the pods they mean to: every selector matches a pod of the
// render, the allowed connections between release pods are exactly the ones the app needs,
// everything is denied by default, DNS works, and traffic leaves the cluster only for the
// language model (when one is configured) and an external database (when there is one).
import {
  anyDestinationEgress,
  connectionAllowed,
  ingressAllows,
  ipBlockEgress,
  policies,
  policiesSelecting,
  portAllowed,
  type NetworkPolicyPeer,
} from './network';
import { caseValues, id, labelsMatch, podSpecs, render, renderMatrix, type PodTemplate, type Rendered } from './render';

let renders: Rendered[];
let llmKey: Rendered;
let policiesOff: Rendered;
beforeAll(async () => {
  [renders, llmKey, policiesOff] = await Promise.all([
    renderMatrix(),
    render('default', { set: { 'llm.apiKey': 'test-' + 'llm-key-0123456789abcdef' } }),
    render('default', { set: { 'networkPolicy.enabled': false } }),
  ]);
});

const component = (p: PodTemplate): string => p.metadata.labels?.['app.kubernetes.io/component'] ?? '?';
/** One pod per component (a Deployment's replicas share the template). */
const byComponent = (r: Rendered): Map<string, PodTemplate> => new Map(podSpecs(r.objects).map((p) => [component(p), p]));
const podName = (p: PodTemplate) => `${component(p)} (${id(p.owner)})`;

test('every CI case renders NetworkPolicies, and networkPolicy.enabled=false renders none', () => {
  for (const r of renders) expect({ where: r.label, count: policies(r.objects).length }).toEqual({ where: r.label, count: expect.any(Number) });
  for (const r of renders) expect(policies(r.objects).length).toBeGreaterThanOrEqual(6);
  expect(policies(policiesOff.objects)).toEqual([]);
});

test('every podSelector (a policy\'s own, and its from/to peers in this namespace) matches at least one pod of the render', () => {
  const bad: string[] = [];
  for (const r of [...renders, llmKey]) {
    const pods = podSpecs(r.objects);
    const matches = (sel: NetworkPolicyPeer['podSelector']) => pods.some((p) => labelsMatch(sel, p.metadata.labels));
    for (const p of policies(r.objects)) {
      if (!matches(p.spec.podSelector)) bad.push(`${r.label} ${p.name}: spec.podSelector ${JSON.stringify(p.spec.podSelector)}`);
      const peers = [...(p.spec.ingress ?? []).flatMap((x) => x.from ?? []), ...(p.spec.egress ?? []).flatMap((x) => x.to ?? [])];
      for (const peer of peers) {
        if (!peer.podSelector || peer.namespaceSelector) continue; // other namespaces: not in the render
        if (!matches(peer.podSelector)) bad.push(`${r.label} ${p.name}: peer ${JSON.stringify(peer.podSelector)}`);
      }
    }
  }
  expect(bad).toEqual([]);
});

test('a default-deny policy (ingress and egress, no rules) selects every pod of the release', () => {
  for (const r of renders) {
    const denyAll = policies(r.objects).filter(
      (p) => p.spec.policyTypes?.includes('Ingress') && p.spec.policyTypes.includes('Egress') && !p.spec.ingress?.length && !p.spec.egress?.length,
    );
    expect({ where: r.label, count: denyAll.length }).toEqual({ where: r.label, count: 1 });
    const missed = podSpecs(r.objects).filter((pod) => !labelsMatch(denyAll[0]!.spec.podSelector, pod.metadata.labels)).map(podName);
    expect({ where: r.label, missed }).toEqual({ where: r.label, missed: [] });
  }
});

test('every pod of the release may resolve names: egress to port 53 over UDP and TCP, to any destination', () => {
  for (const r of renders) {
    for (const pod of podSpecs(r.objects)) {
      const rules = anyDestinationEgress(r.objects, pod);
      const dns = (protocol: string) => rules.some((rule) => rule.ports?.some((p) => p.port === 53 && (p.protocol ?? 'TCP') === protocol));
      expect({ where: `${r.label} ${podName(pod)}`, udp: dns('UDP'), tcp: dns('TCP') }).toEqual({ where: `${r.label} ${podName(pod)}`, udp: true, tcp: true });
      // Nothing else may go to any destination.
      const other = rules.flatMap((rule) => rule.ports ?? [{ port: 'ALL' }]).filter((p) => p.port !== 53);
      expect({ where: `${r.label} ${podName(pod)}`, other }).toEqual({ where: `${r.label} ${podName(pod)}`, other: [] });
    }
  }
});

/** Components of the release allowed to connect to the target component's port (both policy ends). */
function allowedSources(r: Rendered, target: string, port: number, bothEnds: boolean): string[] {
  const pods = byComponent(r);
  const t = pods.get(target);
  if (!t) throw new Error(`${r.label}: no ${target} pod`);
  return [...pods.values()]
    .filter((s) => s !== t && (bothEnds ? connectionAllowed(r.objects, s, t, port) : ingressAllows(r.objects, t, s, port)))
    .map(component)
    .sort();
}

test('api receives on its port from web, the migration Job and the test pods, and from nothing else in the release', () => {
  for (const r of renders) {
    const v = caseValues(r.caseName);
    const expected = ['migrations', 'test', 'web'];
    expect({ where: r.label, ingress: allowedSources(r, 'api', v.api.containerPort, false) }).toEqual({ where: r.label, ingress: expected });
    // End to end (the sender's egress too): web and the test pods call the api; the Job is
    // admitted but its own egress reaches only the database (it never calls the api).
    expect({ where: r.label, connects: allowedSources(r, 'api', v.api.containerPort, true) }).toEqual({ where: r.label, connects: ['test', 'web'] });
    // No other port of the api pod is open to them.
    const api = byComponent(r).get('api')!;
    expect(ingressAllows(r.objects, api, byComponent(r).get('web')!, v.api.containerPort + 1)).toBe(false);
  }
});

test('the in-cluster PostgreSQL receives from api, web, the migration Job and (when enabled) the backup CronJob only (and they may send to it)', () => {
  for (const r of renders.filter((x) => byComponent(x).has('postgresql'))) {
    const port = caseValues(r.caseName).postgresql.containerPort;
    const expected = byComponent(r).has('backup') ? ['api', 'backup', 'migrations', 'web'] : ['api', 'migrations', 'web'];
    expect({ where: r.label, ingress: allowedSources(r, 'postgresql', port, false) }).toEqual({ where: r.label, ingress: expected });
    expect({ where: r.label, connects: allowedSources(r, 'postgresql', port, true) }).toEqual({ where: r.label, connects: expected });
  }
});

test('web receives on its port from the namespace (test pods included) and sends to api; PostgreSQL and the Job send to nothing in the release', () => {
  for (const r of renders) {
    const v = caseValues(r.caseName);
    const pods = byComponent(r);
    const web = pods.get('web')!;
    expect(connectionAllowed(r.objects, pods.get('test')!, web, v.web.containerPort)).toBe(true);
    expect(connectionAllowed(r.objects, web, pods.get('api')!, v.api.containerPort)).toBe(true);
    const senders = (from: string) =>
      [...pods.values()].filter((t) => t !== pods.get(from) && [v.web.containerPort, v.api.containerPort, v.postgresql.containerPort].some((port) => connectionAllowed(r.objects, pods.get(from)!, t, port))).map(component).sort();
    if (pods.has('postgresql')) expect({ where: r.label, postgresqlSendsTo: senders('postgresql') }).toEqual({ where: r.label, postgresqlSendsTo: [] });
    expect({ where: r.label, jobSendsTo: senders('migrations') }).toEqual({ where: r.label, jobSendsTo: pods.has('postgresql') ? ['postgresql'] : [] });
  }
});

test('traffic leaves the cluster (ipBlock egress) only for the LLM when configured and for an external database', () => {
  for (const r of [...renders, llmKey]) {
    const v = r === llmKey ? { ...caseValues('default'), llm: { ...caseValues('default').llm, apiKey: 'x' } } : caseValues(r.caseName);
    const llmConfigured = Boolean(v.llm.apiKey || v.llm.existingSecret || v.llm.baseUrl);
    const external = !v.postgresql.enabled;
    for (const pod of podSpecs(r.objects)) {
      const c = component(pod);
      const expected: { cidrs: string[]; ports: number[] }[] = [];
      if (external && ['api', 'web', 'migrations', 'backup'].includes(c)) expected.push({ cidrs: v.externalDatabase.egress.cidrs, ports: [v.externalDatabase.egress.port] });
      if (llmConfigured && c === 'api') expected.push({ cidrs: v.llm.egress.cidrs, ports: v.llm.egress.ports });
      const where = `${r.label} ${podName(pod)}`;
      expect({ where, egress: ipBlockEgress(r.objects, pod) }).toEqual({ where, egress: expected });
    }
  }
});

test('the LLM egress is on 443 by default (an API key set on the defaults), and on the configured port otherwise', () => {
  const api = byComponent(llmKey).get('api')!;
  expect(ipBlockEgress(llmKey.objects, api)).toEqual([{ cidrs: ['0.0.0.0/0'], ports: [443] }]);
  const replicas = renders.find((r) => r.caseName === 'replicas' && !r.isUpgrade)!;
  expect(ipBlockEgress(replicas.objects, byComponent(replicas).get('api')!)).toEqual([{ cidrs: ['10.0.0.0/8'], ports: [11434] }]);
  const defaults = renders.find((r) => r.caseName === 'default' && !r.isUpgrade)!;
  expect(ipBlockEgress(defaults.objects, byComponent(defaults).get('api')!)).toEqual([]);
});

test('with allowExternal off, web\'s ingress from other namespaces is limited to the Ingress controller\'s namespace', () => {
  for (const r of renders) {
    const v = caseValues(r.caseName);
    const web = byComponent(r).get('web')!;
    // The rules that admit web's own port (the scraper's rule admits the metrics port only: metrics.test.ts).
    const webPort = web.spec.containers[0]!.ports!.find((p) => p.name === 'http')!.containerPort;
    const rules = policiesSelecting(r.objects, web, 'Ingress')
      .flatMap((p) => p.spec.ingress ?? [])
      .filter((rule) => portAllowed(rule.ports, webPort, web));
    const open = rules.filter((rule) => !rule.from?.length);
    const nsPeers = rules.flatMap((rule) => rule.from ?? []).filter((peer) => peer.namespaceSelector);
    if (v.networkPolicy.allowExternal) expect(open.length).toBeGreaterThan(0);
    else {
      expect({ where: r.label, open }).toEqual({ where: r.label, open: [] });
      expect({ where: r.label, nsPeers: nsPeers.map((p) => p.namespaceSelector) }).toEqual({ where: r.label, nsPeers: [v.networkPolicy.ingressControllerNamespaceSelector] });
    }
  }
});
