// 6. Scaling objects point at what exists: each HPA scales a Deployment of the render (which
// then leaves its replica count to the HPA), and a PodDisruptionBudget exists exactly when
// the workload runs more than one pod at its minimum, selecting that workload's pods.
import { FULLNAME, getObject, id, ofKind, podsSelectedBy, render, renderMatrix, spec, type K8sObject, type Rendered } from './render';

let renders: Rendered[];
let minTwo: Rendered;
beforeAll(async () => {
  [renders, minTwo] = await Promise.all([renderMatrix(), render('default', { set: { 'api.autoscaling.minReplicas': 2 } })]);
});

/** Pods a Deployment runs at its minimum: its HPA's minReplicas, else spec.replicas (default 1). */
function minReplicas(objects: readonly K8sObject[], deployment: K8sObject): number {
  const hpa = ofKind(objects, 'HorizontalPodAutoscaler').find((h) => spec(h).scaleTargetRef?.name === deployment.metadata.name);
  return hpa ? spec(hpa).minReplicas ?? 1 : spec(deployment).replicas ?? 1;
}

test('every HPA (autoscaling/v2) scales a Deployment of the render, with minReplicas <= maxReplicas', () => {
  let seen = 0;
  for (const r of [...renders, minTwo]) {
    for (const hpa of ofKind(r.objects, 'HorizontalPodAutoscaler')) {
      seen++;
      const ref = spec(hpa).scaleTargetRef!;
      expect(hpa.apiVersion).toBe('autoscaling/v2');
      expect({ where: `${r.label} ${id(hpa)}`, ref: [ref.apiVersion, ref.kind] }).toEqual({ where: `${r.label} ${id(hpa)}`, ref: ['apps/v1', 'Deployment'] });
      expect(() => getObject(r.objects, 'Deployment', ref.name)).not.toThrow();
      expect(spec(hpa).minReplicas).toBeLessThanOrEqual(spec(hpa).maxReplicas!);
    }
  }
  expect(seen).toBeGreaterThan(0);
});

test('a Deployment with an HPA sets no replicas (an upgrade would reset the HPA\'s count); one without sets them', () => {
  for (const r of renders) {
    for (const d of ofKind(r.objects, 'Deployment')) {
      const scaled = ofKind(r.objects, 'HorizontalPodAutoscaler').some((h) => spec(h).scaleTargetRef?.name === d.metadata.name);
      expect({ where: `${r.label} ${id(d)}`, scaled, replicas: spec(d).replicas }).toEqual({
        where: `${r.label} ${id(d)}`,
        scaled,
        replicas: scaled ? undefined : expect.any(Number),
      });
    }
  }
});

test('HPAs exist exactly in the cases with autoscaling on (not autoscaling-off, not replicas)', () => {
  for (const r of renders) {
    const hpas = ofKind(r.objects, 'HorizontalPodAutoscaler').map((h) => h.metadata.name).sort();
    const expected = ['autoscaling-off', 'replicas'].includes(r.caseName) ? [] : [`${FULLNAME}-api`, `${FULLNAME}-web`];
    expect({ where: r.label, hpas }).toEqual({ where: r.label, hpas: expected });
  }
});

test('a PDB exists exactly for Deployments with more than one pod at their minimum, and selects only that Deployment\'s pods', () => {
  let pdbs = 0;
  for (const r of [...renders, minTwo]) {
    for (const d of ofKind(r.objects, 'Deployment')) {
      const min = minReplicas(r.objects, d);
      const mine = ofKind(r.objects, 'PodDisruptionBudget').filter((p) => podsSelectedBy(r.objects, spec(p).selector).some((pod) => pod.owner === d));
      const where = `${r.label} ${id(d)} (min ${min})`;
      expect({ where, pdbs: mine.length }).toEqual({ where, pdbs: min > 1 ? 1 : 0 });
      for (const pdb of mine) {
        pdbs++;
        expect({ where, selects: [...new Set(podsSelectedBy(r.objects, spec(pdb).selector).map((p) => id(p.owner)))] }).toEqual({ where, selects: [id(d)] });
        // minAvailable below the minimum, or a drain could never evict a pod.
        expect(spec(pdb).minAvailable).toBeLessThan(min);
      }
    }
  }
  expect(pdbs).toBeGreaterThan(0);
  // Every PDB belongs to some Deployment (none orphaned, e.g. for PostgreSQL's single pod).
  for (const r of renders)
    for (const pdb of ofKind(r.objects, 'PodDisruptionBudget')) expect(podsSelectedBy(r.objects, spec(pdb).selector).every((p) => p.owner.kind === 'Deployment')).toBe(true);
});

test('the replicas case gets PDBs for web (3 pods) and api (2), and autoscaling min 2 gets one for api only', () => {
  const replicas = renders.find((r) => r.caseName === 'replicas')!;
  expect(ofKind(replicas.objects, 'PodDisruptionBudget').map((p) => p.metadata.name).sort()).toEqual([`${FULLNAME}-api`, `${FULLNAME}-web`]);
  expect(ofKind(minTwo.objects, 'PodDisruptionBudget').map((p) => p.metadata.name)).toEqual([`${FULLNAME}-api`]);
});
