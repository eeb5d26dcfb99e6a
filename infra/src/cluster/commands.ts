// The steps behind infra:minikube-up, status, logs, rollback and destroy: each a typed call
// of @todo/kube's clients (Helm, Kubectl, Minikube), with the equivalent command line shown
// before it runs. Built by pure functions the tests check; cli.ts runs them.
import { releaseSelector, type Helm, type Kubectl, type Minikube } from '@todo/kube';

export interface ClusterOptions {
  release: string;
  namespace: string;
  kubeContext?: string;
  /** minikube profile */
  profile?: string;
}

/** The clients a step may use, created on first use; `print` shows the tools' output. */
export interface Tools {
  helm(): Promise<Helm>;
  kubectl(): Promise<Kubectl>;
  minikube(): Minikube;
  print(line: string): void;
}

export interface Step {
  /** The command line the step amounts to, as shown before it runs. */
  command: string[];
  why: string;
  run(tools: Tools): Promise<void>;
}

const kubectlLine = (o: ClusterOptions, args: string[]) => ['kubectl', ...(o.kubeContext ? ['--context', o.kubeContext] : []), '--namespace', o.namespace, ...args];
const helmLine = (o: ClusterOptions, args: string[]) => ['helm', ...(o.kubeContext ? ['--kube-context', o.kubeContext] : []), '--namespace', o.namespace, ...args];

/** A kubectl step in the release's namespace; its output is shown as it comes. */
const kubectlStep = (o: ClusterOptions, why: string, ...args: string[]): Step => ({
  command: kubectlLine(o, args),
  why,
  run: async (t) => {
    await (await t.kubectl()).run(['--namespace', o.namespace, ...args], { onProgress: t.print });
  },
});

const minikubeStep = (o: ClusterOptions, why: string, args: string[]): Step => ({
  command: ['minikube', ...(o.profile ? ['--profile', o.profile] : []), ...args],
  why,
  run: async (t) => {
    await t.minikube().run(args, { onProgress: t.print });
  },
});

/**
 * A Minikube that fits the whole release with room to spare (it requests 0.3 CPU and
 * 448 MiB): 2 CPUs, 4 GiB. metrics-server so the HPAs have metrics (without it they show
 * `<unknown>`), ingress for the optional Ingress.
 */
export function minikubeUp(o: ClusterOptions, resources = { cpus: 2, memory: '4g' }): Step[] {
  const start = [`--cpus=${resources.cpus}`, `--memory=${resources.memory}`, '--addons=metrics-server', '--addons=ingress'];
  return [minikubeStep(o, 'start Minikube with metrics-server and ingress', ['start', ...start]), minikubeStep(o, 'show what runs', ['status'])];
}

export function status(o: ClusterOptions): Step[] {
  return [
    {
      command: helmLine(o, ['status', o.release]),
      why: 'the release',
      run: async (t) => {
        const r = await (await t.helm()).status(o.release);
        t.print(`NAME: ${r.name}\nNAMESPACE: ${r.namespace}\nSTATUS: ${r.info.status}\nREVISION: ${r.version}\nLAST DEPLOYED: ${r.info.last_deployed ?? ''}`);
        if (r.info.notes) t.print(`NOTES:\n${r.info.notes}`);
      },
    },
    kubectlStep(o, 'its objects', 'get', 'pods,services,hpa,pvc,ingress', '-l', releaseSelector(o.release), '-o', 'wide'),
  ];
}

export function logs(o: ClusterOptions, tail = 100): Step[] {
  const args = ['logs', '-l', releaseSelector(o.release), '--all-containers', '--prefix', '--max-log-requests=10', `--tail=${tail}`];
  return [kubectlStep(o, 'the last lines of every container of the release', ...args)];
}

export function rollback(o: ClusterOptions, revision?: number): Step[] {
  if (revision !== undefined && (!Number.isInteger(revision) || revision < 1)) throw new Error(`revision must be a positive whole number (got ${revision})`);
  return [
    {
      command: helmLine(o, ['history', o.release, '--max', '5']),
      why: 'the revisions',
      run: async (t) => {
        t.print('REVISION\tUPDATED\tSTATUS\tCHART\tAPP VERSION\tDESCRIPTION');
        for (const h of await (await t.helm()).history(o.release, { max: 5 })) {
          t.print([h.revision, h.updated, h.status, h.chart, h.app_version, h.description].join('\t'));
        }
      },
    },
    {
      command: helmLine(o, ['rollback', o.release, ...(revision ? [String(revision)] : []), '--wait', '--timeout', '10m']),
      why: revision ? `back to revision ${revision}` : 'back to the previous revision',
      run: async (t) => {
        await (await t.helm()).rollback(o.release, revision, { wait: true, timeout: '10m' });
        t.print('Rollback was a success.');
      },
    },
  ];
}

/**
 * Removes the release. The PostgreSQL volume and the Secret are kept (`resource-policy:
 * keep`, and PVCs outlive StatefulSets) so a reinstall finds the data and its password;
 * `purge` deletes them too, and `minikube` deletes the whole cluster.
 */
export function destroy(o: ClusterOptions, { purge = false, deleteMinikube = false } = {}): Step[] {
  const steps: Step[] = [
    {
      command: helmLine(o, ['uninstall', o.release, '--ignore-not-found', '--wait']),
      why: 'remove the release',
      run: async (t) => {
        await (await t.helm()).uninstall(o.release, { ignoreNotFound: true, wait: true });
        t.print(`release "${o.release}" uninstalled (if it was there)`);
      },
    },
  ];
  if (purge) steps.push(kubectlStep(o, 'delete the database volume and the kept Secret', 'delete', 'pvc,secret', '-l', releaseSelector(o.release), '--ignore-not-found'));
  if (deleteMinikube) steps.push(minikubeStep(o, 'delete the Minikube cluster', ['delete']));
  return steps;
}
