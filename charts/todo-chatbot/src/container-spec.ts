// How the Helm chart runs each container, read from the rendered chart, in a form Docker can
// use: the command, the environment (ConfigMaps, Secrets and $(VAR) references resolved),
// the port, the probe paths, the user and the security settings. The container e2e run
// (infra/src/containers/stack.ts) starts the images with exactly this, so a chart that gives
// an image a wrong variable, port, probe path, user or a write outside its volumes fails
// that run.
import { Helm, type K8sObject } from '@todo/kube';
import { podSpecs, type Container, type PodSpec } from './render';
import { chartDir, root } from './workspace';

export interface SpecInput {
  webOrigin: string;
  secrets: { jwt: string; auth: string; postgres: string };
}

export interface ContainerSpec {
  /** the image's repository in the chart, e.g. todo-api */
  repository: string;
  command: string[];
  workingDir?: string;
  env: Record<string, string>;
  port?: number;
  liveness?: string;
  readiness?: string;
  /** uid:gid */
  user: string;
  readOnlyRootFilesystem: boolean;
  /** paths the chart mounts as emptyDir: tmpfs in Docker */
  writable: string[];
  capDrop: string[];
  noNewPrivileges: boolean;
}

export interface ChartContainers {
  release: string;
  /** DNS names web and the Job use, by component: Docker network aliases */
  services: { api: string; postgresql: string; web: string };
  api: ContainerSpec;
  web: ContainerSpec;
  /** the migration Job's containers, in the order Kubernetes runs them */
  migrations: ContainerSpec[];
  /** the `helm test` pods' containers, by pod name */
  tests: Record<string, ContainerSpec>;
  /** PostgreSQL's container; dataDir is where its PersistentVolumeClaim is mounted */
  postgresql: ContainerSpec & { dataDir?: string };
}

type Data = K8sObject & { data?: Record<string, string>; stringData?: Record<string, string> };

const RELEASE = 'todo';
const WEB_CONTAINER_PORT = 3000;

/** The chart rendered for these secrets and this public origin, as Docker would run it. */
export async function containerSpec(input: SpecInput): Promise<ChartContainers> {
  const helm = await Helm.create({ workspaceRoot: root });
  const objects = await helm.template(chartDir, {
    release: RELEASE,
    namespace: 'todo',
    set: {
      'auth.jwtSecret': input.secrets.jwt,
      'auth.betterAuthSecret': input.secrets.auth,
      'postgresql.auth.password': input.secrets.postgres,
      'web.publicUrl': input.webOrigin,
      // Docker has no Services: the web Service listens on the container's port, so every
      // URL the chart builds from it (the test pods' WEB_URL) reaches the container itself.
      'web.service.port': WEB_CONTAINER_PORT,
    },
  });
  return containersOf(objects);
}

const component = (o: K8sObject) => o.metadata.labels?.['app.kubernetes.io/component'];
function find(objects: readonly K8sObject[], kind: string, comp: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && component(o) === comp);
  if (!found) throw new Error(`the rendered chart has no ${kind} for ${comp}`);
  return found;
}

/** The one pod template of a workload (Deployment, StatefulSet or Job) of that component. */
function podOf(objects: readonly K8sObject[], kind: string, comp: string) {
  const owner = find(objects, kind, comp);
  const pod = podSpecs([owner])[0];
  if (!pod) throw new Error(`${kind} ${owner.metadata.name} has no pod template`);
  return pod;
}

export function containersOf(objects: readonly K8sObject[]): ChartContainers {
  const configMaps = new Map(objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, (o as Data).data ?? {}]));
  const secrets = new Map(
    objects
      .filter((o): o is Data => o.kind === 'Secret')
      .map((o) => [
        o.metadata.name,
        { ...Object.fromEntries(Object.entries(o.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')])), ...(o.stringData ?? {}) },
      ]),
  );
  const lookup = (map: Map<string, Record<string, string>>, ref: { name: string; key: string }, what: string) => {
    const value = map.get(ref.name)?.[ref.key];
    if (value === undefined) throw new Error(`${what} ${ref.name}/${ref.key} is referenced but not rendered`);
    return value;
  };

  const spec = (pod: PodSpec, container: Container): ContainerSpec => {
    const env: Record<string, string> = {};
    for (const from of container.envFrom ?? []) {
      if (from.configMapRef) Object.assign(env, configMaps.get(from.configMapRef.name));
      if (from.secretRef) Object.assign(env, secrets.get(from.secretRef.name));
    }
    for (const variable of container.env ?? []) {
      let value: string;
      if (variable.valueFrom?.secretKeyRef) value = lookup(secrets, variable.valueFrom.secretKeyRef, 'Secret key');
      else if (variable.valueFrom?.configMapKeyRef) value = lookup(configMaps, variable.valueFrom.configMapKeyRef, 'ConfigMap key');
      else if (variable.valueFrom) throw new Error(`${container.name}: ${variable.name} uses a valueFrom Docker cannot give`);
      // $(NAME) refers to a variable defined earlier, as Kubernetes expands it.
      else value = String(variable.value ?? '').replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env[name] ?? whole);
      env[variable.name] = value;
    }
    const security = { ...(pod.securityContext ?? {}), ...(container.securityContext ?? {}) };
    const volumes = new Map((pod.volumes ?? []).map((v) => [v.name, v]));
    return {
      repository: String(container.image).replace(/^.*\//, '').replace(/[:@].*$/, ''),
      command: [...(container.command ?? []), ...(container.args ?? [])],
      workingDir: container.workingDir,
      env,
      port: container.ports?.[0]?.containerPort,
      liveness: container.livenessProbe?.httpGet?.path,
      readiness: container.readinessProbe?.httpGet?.path,
      user: `${security.runAsUser}:${security.runAsGroup}`,
      readOnlyRootFilesystem: security.readOnlyRootFilesystem === true,
      writable: (container.volumeMounts ?? []).filter((m) => volumes.get(m.name)?.emptyDir).map((m) => m.mountPath),
      capDrop: security.capabilities?.drop ?? [],
      noNewPrivileges: security.allowPrivilegeEscalation === false,
    };
  };
  const main = (kind: string, comp: string): ContainerSpec => {
    const pod = podOf(objects, kind, comp).spec;
    return spec(pod, pod.containers[0]!);
  };

  const jobPod = podOf(objects, 'Job', 'migrations').spec;
  const postgres = podOf(objects, 'StatefulSet', 'postgresql');
  const pgContainer = postgres.spec.containers[0]!;
  const web = main('Deployment', 'web');
  if (web.port !== undefined && web.port !== WEB_CONTAINER_PORT) throw new Error(`the chart's web container listens on ${web.port}, not ${WEB_CONTAINER_PORT}`);
  const testPods = podSpecs(objects.filter((o) => o.kind === 'Pod' && o.metadata.annotations?.['helm.sh/hook'] === 'test'));
  const pgService = objects.find((o) => o.kind === 'Service' && component(o) === 'postgresql' && !o.metadata.name.endsWith('-headless'));
  if (!pgService) throw new Error('the rendered chart has no (non-headless) Service for postgresql');
  return {
    release: RELEASE,
    services: {
      api: find(objects, 'Service', 'api').metadata.name,
      web: find(objects, 'Service', 'web').metadata.name,
      postgresql: pgService.metadata.name,
    },
    api: main('Deployment', 'api'),
    web,
    migrations: [...(jobPod.initContainers ?? []), ...jobPod.containers].map((c) => spec(jobPod, c)),
    tests: Object.fromEntries(testPods.map((pod) => [pod.owner.metadata.name, spec(pod.spec, pod.spec.containers[0]!)])),
    postgresql: {
      ...spec(postgres.spec, pgContainer),
      dataDir: (pgContainer.volumeMounts ?? []).find((m) => postgres.claimTemplates.includes(m.name))?.mountPath,
    },
  };
}
