// 9. Every object is in the release namespace, named from the release (no hard-coded names:
// a fullnameOverride renames everything and every reference still resolves), and carries
// the standard labels.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { chartDir } from './workspace';
import {
  containers,
  FULLNAME,
  id,
  NAMESPACE,
  ofKind,
  podSpecs,
  RELEASE,
  render,
  renderMatrix,
  resolvedEnv,
  spec,
  type K8sObject,
  type Rendered,
} from './render';

const chart = parse(readFileSync(path.join(chartDir, 'Chart.yaml'), 'utf8')) as { name: string; version: string; appVersion: string };
const CLUSTER_SCOPED = ['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass', 'PriorityClass', 'IngressClass'];

let renders: Rendered[];
let renamed: Rendered[];
let labelled: Rendered;
beforeAll(async () => {
  const overrides = { fullnameOverride: 'shop-todo', 'web.serviceAccount.name': '', 'api.serviceAccount.name': '' };
  [renders, renamed, labelled] = await Promise.all([
    renderMatrix(),
    Promise.all(
      ['default', 'external-database', 'existing-secret', 'ingress', 'replicas'].flatMap((c) => [
        render(c, { set: overrides }),
        render(c, { set: overrides, isUpgrade: true }),
      ]),
    ),
    render('default', { setJson: { commonLabels: { team: 'todo', 'example.com/tier': 'app' } } }),
  ]);
});

test('no cluster-scoped object, and every object is in the release namespace', () => {
  for (const r of renders) {
    for (const o of r.objects) {
      expect({ where: `${r.label} ${id(o)}`, clusterScoped: CLUSTER_SCOPED.includes(o.kind), namespace: o.metadata.namespace }).toEqual({
        where: `${r.label} ${id(o)}`,
        clusterScoped: false,
        namespace: NAMESPACE,
      });
    }
  }
});

test(`every object name starts with the release-derived fullname (${FULLNAME})`, () => {
  for (const r of renders) {
    const bad = r.objects.filter((o) => !(o.metadata.name === FULLNAME || o.metadata.name.startsWith(`${FULLNAME}-`))).map(id);
    expect({ where: r.label, bad }).toEqual({ where: r.label, bad: [] });
  }
});

test('with fullnameOverride every object is renamed, and no manifest mentions the default fullname', () => {
  for (const r of renamed) {
    const bad = r.objects.filter((o) => !(o.metadata.name === 'shop-todo' || o.metadata.name.startsWith('shop-todo-'))).map(id);
    expect({ where: r.label, bad }).toEqual({ where: r.label, bad: [] });
    expect({ where: r.label, mentions: r.objects.filter((o) => JSON.stringify(o).includes(FULLNAME)).map(id) }).toEqual({ where: r.label, mentions: [] });
  }
});

/** Every reference by name from one object to another of the release; [what, kind, name]. */
function references(r: Rendered): [string, string, string][] {
  const refs: [string, string, string][] = [];
  const v = { existing: new Set(['todo-secrets']) };
  for (const pod of podSpecs(r.objects)) {
    const at = `${id(pod.owner)}`;
    if (pod.spec.serviceAccountName) refs.push([`${at} serviceAccountName`, 'ServiceAccount', pod.spec.serviceAccountName]);
    for (const c of containers(pod)) {
      for (const from of c.envFrom ?? []) if (from.configMapRef) refs.push([`${at} ${c.name} envFrom`, 'ConfigMap', from.configMapRef.name]);
      for (const e of resolvedEnv(r.objects, c).values()) {
        if (e.secretKeyRef && !v.existing.has(e.secretKeyRef.name)) refs.push([`${at} ${c.name} ${e.name}`, 'Secret', e.secretKeyRef.name]);
        // Service addresses in URLs: http://<service>:<port>, postgresql://user:pw@<service>:<port>/db
        const host = /^[a-z+]+:\/\/(?:[^@/]*@)?([a-z0-9-]+)(?::\d+)?(?:\/|$)/.exec(e.value ?? '')?.[1];
        if (host && !host.includes('.') && host !== 'localhost') refs.push([`${at} ${c.name} ${e.name}`, 'Service', host]);
      }
    }
  }
  for (const o of r.objects) {
    if (o.kind === 'StatefulSet') refs.push([`${id(o)} serviceName`, 'Service', spec(o).serviceName!]);
    if (o.kind === 'HorizontalPodAutoscaler') refs.push([`${id(o)} scaleTargetRef`, spec(o).scaleTargetRef!.kind, spec(o).scaleTargetRef!.name]);
    if (o.kind === 'Ingress')
      for (const rule of spec(o).rules!) for (const p of rule.http.paths) refs.push([`${id(o)} backend`, 'Service', p.backend.service.name]);
  }
  return refs;
}

test('every reference by name (ServiceAccount, ConfigMap, Secret, Service in a URL, scale target) resolves, with and without fullnameOverride', () => {
  for (const r of [...renders, ...renamed]) {
    const refs = references(r);
    expect(refs.length).toBeGreaterThan(10);
    const have = new Set(r.objects.map((o: K8sObject) => `${o.kind}/${o.metadata.name}`));
    const missing = refs.filter(([, kind, name]) => !have.has(`${kind}/${name}`)).map(([what, kind, name]) => `${what} -> ${kind}/${name}`);
    expect({ where: r.label, missing }).toEqual({ where: r.label, missing: [] });
  }
});

describe('labels', () => {
  const standard = {
    'app.kubernetes.io/name': chart.name,
    'app.kubernetes.io/instance': RELEASE,
    'app.kubernetes.io/version': chart.appVersion,
    'app.kubernetes.io/managed-by': 'Helm',
    'helm.sh/chart': `${chart.name}-${chart.version}`,
  };

  test('every object and every pod template carries name, instance, version, managed-by and helm.sh/chart', () => {
    for (const r of renders) {
      const subjects: [string, Record<string, string> | undefined][] = [
        ...r.objects.map((o): [string, Record<string, string> | undefined] => [id(o), o.metadata.labels]),
        ...podSpecs(r.objects).map((p): [string, Record<string, string> | undefined] => [`${id(p.owner)} pod template`, p.metadata.labels]),
      ];
      for (const [what, labels] of subjects) {
        expect({ where: `${r.label} ${what}`, labels: labels ?? {} }).toEqual({ where: `${r.label} ${what}`, labels: expect.objectContaining(standard) });
      }
    }
  });

  test('commonLabels reach every object', () => {
    for (const o of labelled.objects) expect({ o: id(o), labels: o.metadata.labels }).toEqual({ o: id(o), labels: expect.objectContaining({ team: 'todo', 'example.com/tier': 'app' }) });
  });

  test('ServiceAccounts mount no token; no Role, RoleBinding or cluster RBAC is rendered', () => {
    for (const r of renders) {
      for (const sa of ofKind(r.objects, 'ServiceAccount')) expect((sa as K8sObject & { automountServiceAccountToken?: boolean }).automountServiceAccountToken).toBe(false);
      expect(r.objects.filter((o) => /Role/.test(o.kind)).map(id)).toEqual([]);
    }
  });
});
