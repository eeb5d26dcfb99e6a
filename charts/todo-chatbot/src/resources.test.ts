// 10. Resources: every container declares CPU and memory requests and limits, and the whole
// default release at its minimum size (PostgreSQL included) asks for at most 1 CPU and
// 1.5 GiB, the budget in the issue; the README's figures are the rendered ones.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chartDir } from './workspace';
import { cpuMillis, memoryBytes } from '@todo/kube';
import { containers, id, isHook, ofKind, podSpecs, render, renderMatrix, spec, type K8sObject, type PodTemplate, type Rendered } from './render';

const BUDGET = { cpuMillis: 1000, memoryBytes: 1.5 * 1024 ** 3 };

let renders: Rendered[];
let defaults: Rendered;
beforeAll(async () => {
  [renders, defaults] = await Promise.all([renderMatrix(), render('default')]);
});

test('every container and init container has CPU and memory requests and limits, requests within limits', () => {
  for (const r of renders) {
    for (const pod of podSpecs(r.objects)) {
      for (const c of containers(pod)) {
        const where = `${r.label} ${id(pod.owner)} ${c.name}`;
        const { requests = {}, limits = {} } = c.resources ?? {};
        expect({ where, has: [requests.cpu, requests.memory, limits.cpu, limits.memory].map((q) => q !== undefined) }).toEqual({ where, has: [true, true, true, true] });
        expect({ where, cpu: cpuMillis(requests.cpu!) <= cpuMillis(limits.cpu!), memory: memoryBytes(requests.memory!) <= memoryBytes(limits.memory!) }).toEqual({ where, cpu: true, memory: true });
      }
    }
  }
});

/** Pods an object runs at its minimum: HPA minReplicas, else spec.replicas (default 1); 1 for Jobs and Pods. */
function minPods(objects: readonly K8sObject[], owner: K8sObject): number {
  if (!['Deployment', 'StatefulSet'].includes(owner.kind)) return 1;
  const hpa = ofKind(objects, 'HorizontalPodAutoscaler').find((h) => spec(h).scaleTargetRef?.kind === owner.kind && spec(h).scaleTargetRef?.name === owner.metadata.name);
  return hpa ? (spec(hpa).minReplicas ?? 1) : (spec(owner).replicas ?? 1);
}

/** A pod's effective request, as the scheduler counts it: max(any init container, sum of containers). */
function podRequest(pod: PodTemplate, field: 'cpu' | 'memory'): number {
  const q = (v: string | undefined) => (v === undefined ? 0 : field === 'cpu' ? cpuMillis(v) : memoryBytes(v));
  const sum = pod.spec.containers.reduce((t, c) => t + q(c.resources?.requests?.[field]), 0);
  const init = Math.max(0, ...(pod.spec.initContainers ?? []).map((c) => q(c.resources?.requests?.[field])));
  return Math.max(sum, init);
}

function releaseRequests(r: Rendered, include: (pod: PodTemplate) => boolean) {
  const pods = podSpecs(r.objects).filter(include);
  return {
    pods: pods.map((p) => `${id(p.owner)} x${minPods(r.objects, p.owner)}`),
    cpuMillis: pods.reduce((t, p) => t + podRequest(p, 'cpu') * minPods(r.objects, p.owner), 0),
    memoryBytes: pods.reduce((t, p) => t + podRequest(p, 'memory') * minPods(r.objects, p.owner), 0),
  };
}

test('the default release (minimum replicas, PostgreSQL and the install-time migration Job included; hooks and tests not) requests <= 1 CPU and <= 1.5 GiB', () => {
  const total = releaseRequests(defaults, (p) => !isHook(p.owner));
  expect(total.pods.sort()).toEqual(expect.arrayContaining([expect.stringMatching(/^Deployment\/.*-web x1$/), expect.stringMatching(/^Deployment\/.*-api x1$/), expect.stringMatching(/^StatefulSet\/.*-postgresql x1$/)]));
  expect(total.cpuMillis).toBeLessThanOrEqual(BUDGET.cpuMillis);
  expect(total.memoryBytes).toBeLessThanOrEqual(BUDGET.memoryBytes);
});

test('the README\'s "requests of the whole release at defaults" and limits are the rendered sums of the long-running pods', () => {
  const readme = readFileSync(path.join(chartDir, 'README.md'), 'utf8').replace(/\s+/g, ' ');
  const m = /Requests of the whole release at defaults: \*\*(\d+)m CPU, (\d+) MiB\*\* \(limits ([\d.]+) CPU, ([\d.]+) GiB\)/.exec(readme);
  if (!m) throw new Error('charts/todo-chatbot/README.md no longer states "Requests of the whole release at defaults: **<n>m CPU, <n> MiB** (limits <n> CPU, <n> GiB)"');
  const longRunning = (p: PodTemplate) => ['Deployment', 'StatefulSet'].includes(p.owner.kind);
  const requests = releaseRequests(defaults, longRunning);
  const limit = (field: 'cpu' | 'memory') =>
    podSpecs(defaults.objects)
      .filter(longRunning)
      .reduce((t, p) => t + minPods(defaults.objects, p.owner) * p.spec.containers.reduce((s, c) => s + (field === 'cpu' ? cpuMillis(c.resources!.limits!.cpu!) : memoryBytes(c.resources!.limits!.memory!)), 0), 0);
  expect({ cpuMillis: requests.cpuMillis, memoryMiB: requests.memoryBytes / 1024 ** 2, limitCpu: limit('cpu') / 1000, limitGiB: limit('memory') / 1024 ** 3 }).toEqual({
    cpuMillis: Number(m[1]),
    memoryMiB: Number(m[2]),
    limitCpu: Number(m[3]),
    limitGiB: Number(m[4]),
  });
});

test('every CI case (replicas: 3 web and 2 api pods) stays inside the budget at its minimum size', () => {
  for (const r of renders.filter((x) => !x.isUpgrade)) {
    const total = releaseRequests(r, (p) => !isHook(p.owner));
    expect({ where: r.label, within: total.cpuMillis <= BUDGET.cpuMillis && total.memoryBytes <= BUDGET.memoryBytes }).toEqual({ where: r.label, within: true });
  }
});
