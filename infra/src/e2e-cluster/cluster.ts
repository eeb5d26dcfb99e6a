// The release under test, read live: its pods per component, Deployments, the Secret, and
// the web's address on the node. One kubectl (pinned, the hermetic kubeconfig) for all.
import { setTimeout as sleep } from 'node:timers/promises';
import { INSTANCE_LABEL, type Kubectl, type KubeList, memoryBytes, type Pod, type PodMetrics, releaseSelector } from '@todo/kube';
import { layout } from '../hermetic/layout';
import { adminKubectl } from '../hermetic/node';
import { readRecord } from '../hermetic/record';

export type Component = 'api' | 'web' | 'postgresql';

export interface PodState {
  name: string;
  uid: string;
  images: string[];
  ready: boolean;
  phase: string;
  deleting: boolean;
}

export class Release {
  private constructor(
    readonly kubectl: Kubectl,
    readonly name: string,
    readonly namespace: string,
    readonly nodeIp: string,
  ) {}

  static async open(name: string, namespace: string): Promise<Release> {
    const l = layout();
    const record = readRecord(l.recordFile);
    if (!record) throw new Error('no hermetic cluster is running: npm run nx -- run infra:cluster-up');
    return new Release(await adminKubectl(l, '30s'), name, namespace, record.nodeIp);
  }

  /** web through its NodePort on the node (infra/values/hermetic.yaml). */
  get webUrl(): string {
    return `http://${this.nodeIp}:30080`;
  }

  fullname(component: Component | 'migrate'): string {
    return `${this.name}-todo-chatbot-${component}`;
  }

  selector(component: Component): string {
    return `${releaseSelector(this.name)},app.kubernetes.io/component=${component}`;
  }

  run(args: string[]) {
    return this.kubectl.run(['--namespace', this.namespace, ...args]);
  }

  json<T>(args: string[]): Promise<T> {
    return this.kubectl.json<T>(['--namespace', this.namespace, ...args]);
  }

  async pods(component: Component): Promise<PodState[]> {
    const list = await this.json<KubeList<Pod>>(['get', 'pods', '-l', this.selector(component), '-o', 'json']);
    return list.items.map((pod) => ({
      name: pod.metadata.name,
      uid: String(pod.metadata['uid']),
      images: (pod.spec?.containers ?? []).map((c) => c.image),
      ready: pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
      phase: pod.status?.phase ?? '',
      deleting: Boolean(pod.metadata['deletionTimestamp']),
    }));
  }

  async uids(component: Component): Promise<string[]> {
    return (await this.pods(component)).map((p) => p.uid).sort();
  }

  /** Polls until `check` holds; the message says what never happened. */
  async until(what: string, check: () => Promise<boolean>, timeoutMs = 120_000, everyMs = 1000): Promise<number> {
    const began = Date.now();
    for (;;) {
      if (await check().catch(() => false)) return Date.now() - began;
      if (Date.now() - began > timeoutMs) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
      await sleep(everyMs);
    }
  }

  /** Every pod of the component Ready, none terminating, at least `min` of them. */
  async allReady(component: Component, min = 1): Promise<boolean> {
    const pods = (await this.pods(component)).filter((p) => p.phase !== 'Succeeded');
    return pods.length >= min && pods.every((p) => p.ready && !p.deleting);
  }

  /** The largest working set of one pod of each component now (metrics-server), in MiB. */
  async memoryMiB(): Promise<Partial<Record<Component, number>>> {
    const list = await this.json<KubeList<PodMetrics>>(['get', '--raw', `/apis/metrics.k8s.io/v1beta1/namespaces/${this.namespace}/pods`]);
    const peak: Partial<Record<Component, number>> = {};
    for (const pod of list.items) {
      const component = pod.metadata.labels?.['app.kubernetes.io/component'] as Component | undefined;
      if (!component || pod.metadata.labels?.[INSTANCE_LABEL] !== this.name) continue;
      const mib = pod.containers.reduce((sum, c) => sum + memoryBytes(c.usage.memory ?? '0') / 2 ** 20, 0);
      peak[component] = Math.max(peak[component] ?? 0, mib);
    }
    return peak;
  }

  /** `pod/container` of every container of the release the kernel killed for memory. */
  async oomKilled(): Promise<string[]> {
    const list = await this.json<KubeList<Pod>>(['get', 'pods', '-l', releaseSelector(this.name), '-o', 'json']);
    return list.items.flatMap((pod) =>
      (pod.status.containerStatuses ?? [])
        .filter((c) => [c.state, c.lastState].some((s) => s?.terminated?.reason === 'OOMKilled'))
        .map((c) => `${pod.metadata.name}/${c.name}`),
    );
  }

  /** The release's Secret, decoded. */
  async secret(): Promise<Record<string, string>> {
    const secret = await this.json<{ data?: Record<string, string> }>(['get', 'secret', `${this.name}-todo-chatbot`, '-o', 'json']);
    return Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  }

  async clusterIp(service: string): Promise<string> {
    return (await this.run(['get', 'service', service, '-o', 'jsonpath={.spec.clusterIP}'])).stdout.trim();
  }
}
