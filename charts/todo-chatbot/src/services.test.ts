// 4. Services send traffic to exactly the workload they are for, with selectors built only
// from the stable name/instance/component labels, on port names the containers declare.
// Also the Ingress backend and the workloads' own selectors.
import { containers, FULLNAME, getObject, id, ofKind, podSpecs, podsSelectedBy, render, renderMatrix, spec, type K8sObject, type Rendered, type ServiceSpec } from './render';

const SELECTOR_KEYS = ['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/component'];

let renders: Rendered[];
let ingressTls: Rendered;
beforeAll(async () => {
  [renders, ingressTls] = await Promise.all([renderMatrix(), render('ingress', { set: { 'ingress.tlsSecretName': 'todo-tls' } })]);
});

/** Service name → the one workload it must select. */
const INTENDED: Record<string, string> = {
  [`${FULLNAME}-web`]: `Deployment/${FULLNAME}-web`,
  [`${FULLNAME}-api`]: `Deployment/${FULLNAME}-api`,
  [`${FULLNAME}-postgresql`]: `StatefulSet/${FULLNAME}-postgresql`,
  [`${FULLNAME}-postgresql-headless`]: `StatefulSet/${FULLNAME}-postgresql`,
};

test('every Service is one the test knows, and web and api Services are always there', () => {
  for (const r of renders) {
    const names = ofKind(r.objects, 'Service').map((s) => s.metadata.name);
    for (const n of names) expect(Object.keys(INTENDED)).toContain(n);
    expect(names).toEqual(expect.arrayContaining([`${FULLNAME}-web`, `${FULLNAME}-api`]));
  }
});

test('each Service selects the pods of exactly its intended workload (not the Job, not the test pods)', () => {
  for (const r of renders) {
    for (const svc of ofKind(r.objects, 'Service')) {
      const selected = [...new Set(podsSelectedBy(r.objects, { matchLabels: spec<ServiceSpec>(svc).selector }).map((p) => id(p.owner)))];
      expect({ where: `${r.label} ${id(svc)}`, selected }).toEqual({ where: `${r.label} ${id(svc)}`, selected: [INTENDED[svc.metadata.name]] });
    }
  }
});

test('Service selectors use only name, instance and component, and always name and instance', () => {
  for (const r of renders) {
    for (const svc of ofKind(r.objects, 'Service')) {
      const keys = Object.keys(spec<ServiceSpec>(svc).selector ?? {});
      expect({ where: `${r.label} ${id(svc)}`, extra: keys.filter((k) => !SELECTOR_KEYS.includes(k)) }).toEqual({ where: `${r.label} ${id(svc)}`, extra: [] });
      expect(keys).toEqual(expect.arrayContaining(SELECTOR_KEYS.slice(0, 2)));
    }
  }
});

test('every targetPort (name or number) is a port of the selected containers, on the protocol the Service uses', () => {
  for (const r of renders) {
    for (const svc of ofKind(r.objects, 'Service')) {
      for (const pod of podsSelectedBy(r.objects, { matchLabels: spec<ServiceSpec>(svc).selector })) {
        const ports = containers(pod).flatMap((c) => c.ports ?? []);
        for (const sp of spec<ServiceSpec>(svc).ports!) {
          const target = sp.targetPort ?? sp.port;
          const found = ports.find((p) => (typeof target === 'number' ? p.containerPort === target : p.name === target));
          const where = `${r.label} ${id(svc)} port ${sp.name}`;
          expect({ where, target, found: Boolean(found), protocol: found?.protocol ?? 'TCP' }).toEqual({ where, target, found: true, protocol: sp.protocol ?? 'TCP' });
        }
      }
    }
  }
});

test('the api Service is ClusterIP only; web is NodePort only where the values ask for it', () => {
  for (const r of renders) {
    expect(spec<ServiceSpec>(getObject(r.objects, 'Service', `${FULLNAME}-api`)).type).toBe('ClusterIP');
    const web = spec<ServiceSpec>(getObject(r.objects, 'Service', `${FULLNAME}-web`));
    expect({ where: r.label, type: web.type }).toEqual({ where: r.label, type: r.caseName === 'minikube' ? 'NodePort' : 'ClusterIP' });
  }
});

test('the PostgreSQL StatefulSet is governed by the headless Service (clusterIP None)', () => {
  for (const r of renders.filter((x) => ofKind(x.objects, 'StatefulSet').length)) {
    const sts = ofKind(r.objects, 'StatefulSet')[0]!;
    const headless = getObject(r.objects, 'Service', spec(sts).serviceName!);
    expect(spec<ServiceSpec>(headless).clusterIP).toBe('None');
  }
});

test('each workload\'s selector matches its own pod template, uses only selector labels, and selects no other workload\'s pods', () => {
  for (const r of renders) {
    for (const w of r.objects.filter((o) => ['Deployment', 'StatefulSet'].includes(o.kind))) {
      const sel = spec(w).selector!;
      const where = `${r.label} ${id(w)}`;
      expect({ where, extra: Object.keys(sel.matchLabels ?? {}).filter((k) => !SELECTOR_KEYS.includes(k)), expr: sel.matchExpressions }).toEqual({
        where,
        extra: [],
        expr: undefined,
      });
      expect({ where, selects: [...new Set(podsSelectedBy(r.objects, sel).map((p) => id(p.owner)))] }).toEqual({ where, selects: [id(w)] });
    }
  }
});

test('the Ingress routes / to the web Service by a port name that Service has, and the api nowhere', () => {
  const ingresses = [...renders, ingressTls].flatMap((r) => ofKind(r.objects, 'Ingress').map((ing) => ({ r, ing })));
  expect(ingresses.length).toBeGreaterThan(0);
  for (const { r, ing } of ingresses) {
    const paths = spec(ing).rules!.flatMap((rule) => rule.http.paths);
    expect(paths.map((p) => [p.path, p.backend.service.name])).toEqual([['/', `${FULLNAME}-web`]]);
    const svc = getObject(r.objects, 'Service', paths[0]!.backend.service.name) as K8sObject;
    const port = paths[0]!.backend.service.port;
    expect(spec<ServiceSpec>(svc).ports!.some((p) => p.name === port.name || p.port === port.number)).toBe(true);
  }
  const tls = ofKind(ingressTls.objects, 'Ingress')[0]!;
  expect(spec(tls).tls).toEqual([{ hosts: ['todo.local'], secretName: 'todo-tls' }]);
});

test('pod templates without a Service (the Job, the test pods) are still labelled with their component', () => {
  for (const r of renders) for (const p of podSpecs(r.objects)) expect(p.metadata.labels?.['app.kubernetes.io/component']).toBeTruthy();
});
