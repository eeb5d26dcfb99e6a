// 6. Metrics: each app serves Prometheus metrics on its own port, never a public one; the pods
// say where (prometheus.io/* annotations); only a labelled scraper gets through the
// NetworkPolicies, and only to that port; a ServiceMonitor appears only where its CRD exists.
import { ingressAllows } from './network';
import { appContainer, getObject, ofKind, podOf, render, resolvedEnv, spec, FULLNAME, type PodTemplate, type Rendered, type ServiceSpec } from './render';

const scraper = (labels: Record<string, string>): PodTemplate =>
  ({ metadata: { labels }, spec: { containers: [] }, owner: { kind: 'Pod', metadata: { name: 'scraper' } } }) as unknown as PodTemplate;
const PROMETHEUS = scraper({ 'app.kubernetes.io/name': 'prometheus' });
const STRANGER = scraper({ 'app.kubernetes.io/name': 'something-else' });
const PORTS = { api: 9464, web: 9465 } as const;

let on: Rendered;
let off: Rendered;
let monitored: Rendered;
let noCrd: Rendered;
beforeAll(async () => {
  [on, off, monitored, noCrd] = await Promise.all([
    render('default'),
    render('default', { set: { 'metrics.enabled': false } }),
    render('default', { set: { 'metrics.serviceMonitor.enabled': true, 'metrics.serviceMonitor.labels.release': 'kube-prometheus' }, apiVersions: ['monitoring.coreos.com/v1/ServiceMonitor'] }),
    render('default', { set: { 'metrics.serviceMonitor.enabled': true } }),
  ]);
});

describe.each(['api', 'web'] as const)('%s', (component) => {
  const port = PORTS[component];
  const pod = (r: Rendered) => podOf(r.objects, 'Deployment', component);

  test('serves metrics on its own named port, announced to scrapers, and says so in METRICS_PORT', () => {
    const container = appContainer(on.objects, component);
    expect(container.ports).toContainEqual({ name: 'metrics', containerPort: port, protocol: 'TCP' });
    expect(resolvedEnv(on.objects, container).get('METRICS_PORT')?.value).toBe(String(port));
    expect(pod(on).metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(port), 'prometheus.io/path': '/metrics' });
  });

  test('lets the labelled scraper, and nothing else, reach the metrics port', () => {
    expect(ingressAllows(on.objects, pod(on), PROMETHEUS, port)).toBe(true);
    expect(ingressAllows(on.objects, pod(on), STRANGER, port)).toBe(false);
    // The scraper gets the metrics port only, not the app's own.
    const appPort = appContainer(on.objects, component).ports!.find((p) => p.name === 'http')!.containerPort;
    if (component === 'api') expect(ingressAllows(on.objects, pod(on), PROMETHEUS, appPort)).toBe(false);
  });

  test('publishes no metrics port on the app Service (web may be a NodePort)', () => {
    const service = getObject(on.objects, 'Service', `${FULLNAME}-${component}`);
    expect(spec<ServiceSpec>(service).ports!.map((p) => p.name)).toEqual(['http']);
  });

  test('with metrics off: METRICS_PORT 0, no port, no annotations, no scrape rule', () => {
    const container = appContainer(off.objects, component);
    expect(resolvedEnv(off.objects, container).get('METRICS_PORT')?.value).toBe('0');
    expect(container.ports!.map((p) => p.name)).toEqual(['http']);
    expect(pod(off).metadata.annotations?.['prometheus.io/scrape']).toBeUndefined();
    expect(ingressAllows(off.objects, pod(off), PROMETHEUS, port)).toBe(false);
  });
});

test('a ServiceMonitor and ClusterIP metrics Services only where the CRD exists', () => {
  expect(ofKind(noCrd.objects, 'ServiceMonitor')).toEqual([]);
  expect(ofKind(on.objects, 'ServiceMonitor')).toEqual([]);
  const [monitor] = ofKind(monitored.objects, 'ServiceMonitor');
  expect(monitor?.metadata.labels).toMatchObject({ release: 'kube-prometheus' });
  const services = ofKind(monitored.objects, 'Service').filter((s) => s.metadata.labels?.['todo-chatbot/metrics'] === 'true');
  expect(services.map((s) => [s.metadata.name, spec<ServiceSpec>(s).type, spec<ServiceSpec>(s).ports![0]!.port])).toEqual([
    [`${FULLNAME}-api-metrics`, 'ClusterIP', 9464],
    [`${FULLNAME}-web-metrics`, 'ClusterIP', 9465],
  ]);
  const selector = (monitor as unknown as { spec: { selector: { matchLabels: Record<string, string> } } }).spec.selector.matchLabels;
  for (const service of services) expect(service.metadata.labels).toMatchObject(selector);
});
