// The commands behind infra:minikube-up, status, logs, rollback and destroy, built as
// argument arrays (never shell strings) by pure functions the tests check, then run by cli.ts.
export interface ClusterOptions {
  release: string;
  namespace: string;
  kubeContext?: string;
  /** minikube profile */
  profile?: string;
}

export type Step = { command: string[]; why: string };

const kubectl = (o: ClusterOptions, ...args: string[]) => [
  'kubectl',
  ...(o.kubeContext ? ['--context', o.kubeContext] : []),
  '--namespace',
  o.namespace,
  ...args,
];
const helm = (o: ClusterOptions, ...args: string[]) => [
  'helm',
  ...(o.kubeContext ? ['--kube-context', o.kubeContext] : []),
  '--namespace',
  o.namespace,
  ...args,
];
const minikube = (o: ClusterOptions, ...args: string[]) => ['minikube', ...(o.profile ? ['--profile', o.profile] : []), ...args];
const instance = (o: ClusterOptions) => `app.kubernetes.io/instance=${o.release}`;

/**
 * A Minikube that fits the whole release with room to spare (it requests 0.3 CPU and
 * 448 MiB): 2 CPUs, 4 GiB. metrics-server so the HPAs have metrics (without it they show
 * `<unknown>`), ingress for the optional Ingress.
 */
export function minikubeUp(o: ClusterOptions, resources = { cpus: 2, memory: '4g' }): Step[] {
  return [
    { command: minikube(o, 'start', `--cpus=${resources.cpus}`, `--memory=${resources.memory}`, '--addons=metrics-server', '--addons=ingress'), why: 'start Minikube with metrics-server and ingress' },
    { command: minikube(o, 'status'), why: 'show what runs' },
  ];
}

export function status(o: ClusterOptions): Step[] {
  return [
    { command: helm(o, 'status', o.release), why: 'the release' },
    { command: kubectl(o, 'get', 'pods,services,hpa,pvc,ingress', '-l', instance(o), '-o', 'wide'), why: 'its objects' },
  ];
}

export function logs(o: ClusterOptions, tail = 100): Step[] {
  return [
    {
      command: kubectl(o, 'logs', '-l', instance(o), '--all-containers', '--prefix', '--max-log-requests=10', `--tail=${tail}`),
      why: 'the last lines of every container of the release',
    },
  ];
}

export function rollback(o: ClusterOptions, revision?: number): Step[] {
  if (revision !== undefined && (!Number.isInteger(revision) || revision < 1)) throw new Error(`revision must be a positive whole number (got ${revision})`);
  return [
    { command: helm(o, 'history', o.release, '--max', '5'), why: 'the revisions' },
    {
      command: helm(o, 'rollback', o.release, ...(revision ? [String(revision)] : []), '--wait', '--timeout', '10m'),
      why: revision ? `back to revision ${revision}` : 'back to the previous revision',
    },
  ];
}

/**
 * Removes the release. The PostgreSQL volume and the Secret are kept (`resource-policy:
 * keep`, and PVCs outlive StatefulSets) so a reinstall finds the data and its password;
 * `purge` deletes them too, and `minikube` deletes the whole cluster.
 */
export function destroy(o: ClusterOptions, { purge = false, deleteMinikube = false } = {}): Step[] {
  const steps: Step[] = [{ command: helm(o, 'uninstall', o.release, '--ignore-not-found', '--wait'), why: 'remove the release' }];
  if (purge) {
    steps.push({ command: kubectl(o, 'delete', 'pvc,secret', '-l', instance(o), '--ignore-not-found'), why: 'delete the database volume and the kept Secret' });
  }
  if (deleteMinikube) steps.push({ command: minikube(o, 'delete'), why: 'delete the Minikube cluster' });
  return steps;
}
