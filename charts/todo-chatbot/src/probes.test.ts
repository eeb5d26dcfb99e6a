// 2. Probes and ports equal what the apps really serve, as each publishes in
// apps/<app>/runtime.json: the image's EXPOSEd ports and the probe routes (the api's among
// the GET routes it serves, web's each a Next.js route handler). The app images are FROM scratch (no shell, no `sleep`): anything the kubelet
// execs in them must be one of the programs they ship.
import { appRuntime } from './app-runtime';
import {
  appContainer,
  containers,
  id,
  KUBE_NEW,
  KUBE_OLD,
  podOf,
  podSpecs,
  renderMatrix,
  resolvedEnv,
  type Container,
  type LifecycleHandler,
  type Probe,
  type Rendered,
} from './render';

/** Programs the api and web images hold (python and todo-api in api's, node in web's). */
const IMAGE_PROGRAMS = ['python', 'node', 'todo-api'];

let renders: Rendered[];
beforeAll(async () => {
  renders = await renderMatrix([KUBE_OLD, KUBE_NEW]);
});

/** The containerPort a probe's port (a number or a port name) lands on. */
function probePort(c: Container, probe: Probe): number | undefined {
  const port = probe.httpGet?.port ?? probe.tcpSocket?.port;
  if (typeof port === 'number') return port;
  return c.ports?.find((p) => p.name === port)?.containerPort;
}

describe.each(['api', 'web'] as const)('%s', (app) => {
  const expected = appRuntime(app).probes;

  test(`the container port is the ${app} image's EXPOSE, and PORT tells the app to listen there`, () => {
    const exposed = appRuntime(app).image.ports;
    for (const r of renders) {
      const c = appContainer(r.objects, app);
      const served = (c.ports ?? []).filter((p) => p.name !== 'metrics').map((p) => p.containerPort);
      expect({ where: r.label, ports: served }).toEqual({ where: r.label, ports: exposed });
      // The metrics port is the one the app serves them on by default (runtime.json).
      const metrics = (c.ports ?? []).find((p) => p.name === 'metrics')?.containerPort;
      expect({ where: r.label, metrics }).toEqual({ where: r.label, metrics: appRuntime(app).metrics.port });
      expect({ where: r.label, PORT: resolvedEnv(r.objects, c).get('PORT')?.value }).toEqual({ where: r.label, PORT: String(exposed[0]) });
    }
  });

  test(`startup (${expected.startup}), liveness (${expected.liveness}) and readiness (${expected.readiness}) probes are HTTP GETs on that port`, () => {
    const exposed = appRuntime(app).image.ports;
    for (const r of renders) {
      const c = appContainer(r.objects, app);
      const got = {
        where: r.label,
        startup: [c.startupProbe?.httpGet?.path, c.startupProbe && probePort(c, c.startupProbe)],
        liveness: [c.livenessProbe?.httpGet?.path, c.livenessProbe && probePort(c, c.livenessProbe)],
        readiness: [c.readinessProbe?.httpGet?.path, c.readinessProbe && probePort(c, c.readinessProbe)],
      };
      expect(got).toEqual({
        where: r.label,
        startup: [expected.startup, exposed[0]],
        liveness: [expected.liveness, exposed[0]],
        readiness: [expected.readiness, exposed[0]],
      });
    }
  });
});

test('api probe paths are GET routes the api publishes as served (apps/api/runtime.json, from its route table)', () => {
  const { probes, routes } = appRuntime('api');
  for (const path of Object.values(probes)) expect(routes).toContain(path);
});

test('web publishes distinct liveness and readiness routes under /api (its generator checks each has a route handler)', () => {
  const { probes } = appRuntime('web');
  for (const path of Object.values(probes)) expect(path).toMatch(/^\/api\/[a-z]+$/);
  expect(probes.liveness).not.toBe(probes.readiness);
});

test('containers from the app images exec only programs those images ship, in commands, probes and lifecycle hooks', () => {
  const bad: string[] = [];
  let checked = 0;
  for (const r of renders) {
    const images = new Set([appContainer(r.objects, 'api').image, appContainer(r.objects, 'web').image]);
    for (const pod of podSpecs(r.objects)) {
      for (const c of containers(pod).filter((x) => images.has(x.image))) {
        const where = `${r.label} ${id(pod.owner)} ${c.name}`;
        const execs: [string, string[] | undefined][] = [['command', c.command]];
        for (const p of ['startupProbe', 'livenessProbe', 'readinessProbe'] as const) if (c[p]?.exec) execs.push([p, c[p]?.exec?.command]);
        for (const h of ['preStop', 'postStart'] as const) {
          const handler: LifecycleHandler | undefined = c.lifecycle?.[h];
          if (handler?.exec) execs.push([h, handler.exec.command]);
        }
        for (const [what, command] of execs) {
          checked++;
          // No command at all would run the image's CMD, which is one of these too.
          if (command && !IMAGE_PROGRAMS.includes(command[0] ?? '')) bad.push(`${where} ${what}: ${JSON.stringify(command)}`);
        }
      }
    }
  }
  expect(bad).toEqual([]);
  expect(checked).toBeGreaterThan(0);
});

test('web and api Deployments use no exec probe or exec lifecycle hook at all', () => {
  for (const r of renders) {
    for (const app of ['api', 'web'] as const) {
      const c = appContainer(r.objects, app);
      const execs = [c.startupProbe, c.livenessProbe, c.readinessProbe, c.lifecycle?.preStop, c.lifecycle?.postStart].filter((h) => h?.exec);
      expect({ where: `${r.label} ${app}`, execs }).toEqual({ where: `${r.label} ${app}`, execs: [] });
    }
  }
});

describe('preStop', () => {
  test('api: GET /drainz?seconds=N on its own port (connection draining), on every Kubernetes version, shorter than the grace period', () => {
    const drain = appRuntime('api').drain;
    expect(drain).toBe('/drainz');
    for (const r of renders) {
      const pod = podOf(r.objects, 'Deployment', 'api');
      const preStop = appContainer(r.objects, 'api').lifecycle?.preStop;
      expect({ where: r.label, preStop }).toEqual({ where: r.label, preStop: { httpGet: { path: expect.stringMatching(new RegExp(`^${drain}\\?seconds=\\d+$`)), port: 'http' } } });
      const seconds = Number(/seconds=(\d+)/.exec(preStop!.httpGet!.path!)![1]);
      expect(seconds).toBeGreaterThan(0);
      expect(seconds).toBeLessThan(pod.spec.terminationGracePeriodSeconds as number);
    }
  });

  test('web, Kubernetes >= 1.30: the kubelet sleep action, shorter than the grace period', () => {
    for (const r of renders.filter((x) => x.kubeVersion === KUBE_NEW)) {
      const pod = podOf(r.objects, 'Deployment', 'web');
      const c = appContainer(r.objects, 'web');
      const seconds = c.lifecycle?.preStop?.sleep?.seconds;
      expect({ where: r.label, preStop: c.lifecycle?.preStop }).toEqual({ where: r.label, preStop: { sleep: { seconds: expect.any(Number) } } });
      expect(seconds!).toBeGreaterThan(0);
      expect(seconds!).toBeLessThan(pod.spec.terminationGracePeriodSeconds as number);
    }
  });

  test('web, Kubernetes 1.29: no preStop hook (no sleep action there, and no sleep program in the image)', () => {
    for (const r of renders.filter((x) => x.kubeVersion === KUBE_OLD)) {
      expect({ where: r.label, lifecycle: appContainer(r.objects, 'web').lifecycle }).toEqual({ where: r.label, lifecycle: undefined });
    }
  });
});

test('PostgreSQL has startup, liveness and readiness probes (pg_isready in its own image, which has a shell)', () => {
  for (const r of renders.filter((x) => x.objects.some((o) => o.kind === 'StatefulSet'))) {
    const c = podOf(r.objects, 'StatefulSet', 'postgresql').spec.containers[0]!;
    for (const p of [c.startupProbe, c.livenessProbe, c.readinessProbe]) expect(p?.exec?.command?.join(' ')).toMatch(/pg_isready/);
  }
});
