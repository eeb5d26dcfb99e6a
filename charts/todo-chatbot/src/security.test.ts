// 1. Pod security on every pod the chart can create, in every CI case, as an install and as
// an upgrade, on both sides of Kubernetes 1.30: non-root numeric users (the images' own UID
// for web and api), seccomp, a read-only root, no capabilities, no token, and writable paths
// only on emptyDir or PVC volumes. The one exception is opt-in: the root volume-permissions
// init container, only where a case enables it (volume-permissions.test.ts checks it whole).
import { appRuntime } from './app-runtime';
import { appContainer, caseValues, containers, id, KUBE_NEW, KUBE_OLD, podSpecs, render, renderMatrix, type Container, type PodTemplate, type Rendered } from './render';

let renders: Rendered[];
beforeAll(async () => {
  renders = await renderMatrix([KUBE_OLD, KUBE_NEW]);
});

/** Every (render, pod) pair, labelled for failure messages. */
function allPods(): { where: string; pod: PodTemplate }[] {
  return renders.flatMap((r) => podSpecs(r.objects).map((pod) => ({ where: `${r.label} ${id(pod.owner)}`, pod })));
}

/** Every (render, pod, container) triple, init containers included; `optInRoot` marks the one exception. */
function allContainers(): { where: string; pod: PodTemplate; c: Container; optInRoot: boolean }[] {
  return renders.flatMap((r) =>
    podSpecs(r.objects).flatMap((pod) =>
      containers(pod).map((c) => ({ where: `${r.label} ${id(pod.owner)} container ${c.name}`, pod, c, optInRoot: isVolumePermissions(r, pod, c) })),
    ),
  );
}

/** The PostgreSQL StatefulSet's volume-permissions init container, in a case that turns it on. */
function isVolumePermissions(r: Rendered, pod: PodTemplate, c: Container): boolean {
  return (
    caseValues(r.caseName).postgresql.volumePermissions.enabled &&
    pod.owner.kind === 'StatefulSet' &&
    c.name === 'volume-permissions' &&
    (pod.spec.initContainers ?? []).includes(c)
  );
}

const isId = (n: unknown): boolean => typeof n === 'number' && Number.isInteger(n) && n > 0;

test('the matrix renders every pod-bearing kind the chart has (Deployment, StatefulSet, Job, Pod, and the backup CronJob)', () => {
  const kinds = new Set(renders.flatMap((r) => podSpecs(r.objects).map((p) => p.owner.kind)));
  expect([...kinds].sort()).toEqual(['CronJob', 'Deployment', 'Job', 'Pod', 'StatefulSet']);
  for (const r of renders) expect(podSpecs(r.objects).length).toBeGreaterThanOrEqual(4);
});

test('every pod: runAsNonRoot, seccomp RuntimeDefault, no service account token, no host namespaces', () => {
  const bad: string[] = [];
  for (const { where, pod } of allPods()) {
    const sc = pod.spec.securityContext ?? {};
    if (sc.runAsNonRoot !== true) bad.push(`${where}: pod runAsNonRoot is ${sc.runAsNonRoot}`);
    if (sc.seccompProfile?.type !== 'RuntimeDefault') bad.push(`${where}: pod seccompProfile ${JSON.stringify(sc.seccompProfile)}`);
    if (pod.spec.automountServiceAccountToken !== false) bad.push(`${where}: automountServiceAccountToken ${pod.spec.automountServiceAccountToken}`);
    for (const host of ['hostNetwork', 'hostPID', 'hostIPC'] as const) if (pod.spec[host]) bad.push(`${where}: ${host}`);
  }
  expect(bad).toEqual([]);
});

test('every container and init container, except the opt-in volumePermissions one, runs as a numeric, non-zero user and group (pod or container level)', () => {
  const bad: string[] = [];
  let exempt = 0;
  for (const { where, pod, c, optInRoot } of allContainers()) {
    const user = c.securityContext?.runAsUser ?? pod.spec.securityContext?.runAsUser;
    const group = c.securityContext?.runAsGroup ?? pod.spec.securityContext?.runAsGroup;
    if (optInRoot) exempt++;
    else if (!isId(user)) bad.push(`${where}: runAsUser ${user}`);
    if (!isId(group)) bad.push(`${where}: runAsGroup ${group}`);
    if (c.securityContext?.runAsNonRoot === false && !optInRoot) bad.push(`${where}: runAsNonRoot false overrides the pod`);
    const seccomp = c.securityContext?.seccompProfile?.type ?? pod.spec.securityContext?.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault') bad.push(`${where}: effective seccomp ${seccomp}`);
  }
  expect(bad).toEqual([]);
  // Only the volume-permissions case has it: one StatefulSet per render of that case.
  expect(exempt).toBe(renders.filter((r) => caseValues(r.caseName).postgresql.volumePermissions.enabled).length);
});

test('every container and init container: read-only root, no privilege escalation, ALL capabilities dropped, none added (the opt-in volumePermissions one: CHOWN and FOWNER only), not privileged', () => {
  const bad: string[] = [];
  for (const { where, c, optInRoot } of allContainers()) {
    const sc = c.securityContext ?? {};
    if (sc.readOnlyRootFilesystem !== true) bad.push(`${where}: readOnlyRootFilesystem ${sc.readOnlyRootFilesystem}`);
    if (sc.allowPrivilegeEscalation !== false) bad.push(`${where}: allowPrivilegeEscalation ${sc.allowPrivilegeEscalation}`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) bad.push(`${where}: capabilities.drop ${JSON.stringify(sc.capabilities?.drop)}`);
    const added = JSON.stringify(sc.capabilities?.add ?? []);
    if (added !== (optInRoot ? '["CHOWN","FOWNER"]' : '[]')) bad.push(`${where}: capabilities.add ${added}`);
    if (sc.privileged === true) bad.push(`${where}: privileged`);
  }
  expect(bad).toEqual([]);
});

test('every mount names a volume of the pod, and every writable mount is an emptyDir or a PersistentVolumeClaim', () => {
  const bad: string[] = [];
  let writable = 0;
  for (const { where, pod, c } of allContainers()) {
    const volumes = new Map((pod.spec.volumes ?? []).map((v) => [v.name, v]));
    for (const m of c.volumeMounts ?? []) {
      const v = volumes.get(m.name);
      const claim = pod.claimTemplates.includes(m.name);
      if (!v && !claim) {
        bad.push(`${where}: mount ${m.mountPath} names no volume (${m.name})`);
        continue;
      }
      if (m.readOnly) continue;
      writable++;
      if (!claim && !v?.emptyDir && !v?.persistentVolumeClaim) bad.push(`${where}: writable ${m.mountPath} on ${JSON.stringify(v)}`);
    }
  }
  expect(bad).toEqual([]);
  expect(writable).toBeGreaterThan(0);
});

test('with persistence off, PostgreSQL keeps its data on an emptyDir (no claim template)', async () => {
  const r = await render('default', { set: { 'postgresql.persistence.enabled': false } });
  const pg = podSpecs(r.objects).find((p) => p.owner.kind === 'StatefulSet')!;
  expect(pg.claimTemplates).toEqual([]);
  const data = (pg.spec.volumes ?? []).find((v) => v.name === 'data');
  expect(data?.emptyDir).toBeDefined();
});

describe.each(['api', 'web'] as const)('%s image user', (app) => {
  test(`containers from the ${app} image run as the UID/GID its image declares (runtime.json, from its Dockerfile's ARG APP_UID/APP_GID)`, () => {
    const { uid, gid } = appRuntime(app).image;
    const bad: string[] = [];
    let seen = 0;
    for (const r of renders) {
      const image = appContainer(r.objects, app).image;
      for (const pod of podSpecs(r.objects)) {
        for (const c of containers(pod).filter((x) => x.image === image)) {
          seen++;
          const user = c.securityContext?.runAsUser ?? pod.spec.securityContext?.runAsUser;
          const group = c.securityContext?.runAsGroup ?? pod.spec.securityContext?.runAsGroup;
          if (user !== uid || group !== gid) bad.push(`${r.label} ${id(pod.owner)} ${c.name}: ${user}:${group}, image user ${uid}:${gid}`);
        }
      }
    }
    expect(bad).toEqual([]);
    // The app Deployment itself, and (api) the migration init containers or (web) the migration and test pods.
    expect(seen).toBeGreaterThan(renders.length);
  });
});
