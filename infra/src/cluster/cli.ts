// `npm run nx -- run infra:<minikube-up|status|logs|rollback|destroy> [-- options]`:
//   --release todo --namespace todo --context NAME --profile NAME (minikube)
//   rollback: --revision N (default: the previous one)
//   destroy:  --purge (also the database volume and the kept Secret), --minikube (the cluster)
//   logs:     --tail N
// Prints each command before running it (helm, kubectl, minikube through @todo/kube's
// clients); stops at the first that fails.
import { parseArgs } from 'node:util';
import { CommandError, Helm, Kubectl, Minikube } from '@todo/kube';
import { root } from '../workspace';
import { type ClusterOptions, type Step, type Tools, destroy, logs, minikubeUp, rollback, status } from './commands';

const ACTIONS = ['minikube-up', 'status', 'logs', 'rollback', 'destroy'] as const;
type Action = (typeof ACTIONS)[number];

export function stepsFor(argv: string[]): Step[] {
  const { action, values, options: o } = parse(argv);
  switch (action) {
    case 'minikube-up':
      return minikubeUp(o);
    case 'status':
      return status(o);
    case 'logs':
      return logs(o, Number(values.tail));
    case 'rollback':
      return rollback(o, values.revision === undefined ? undefined : Number(values.revision));
    case 'destroy':
      return destroy(o, { purge: values.purge!, deleteMinikube: values.minikube! });
  }
}

/** The release, namespace, context and profile the arguments name. */
export const optionsFor = (argv: string[]): ClusterOptions => parse(argv).options;

function parse(argv: string[]) {
  const [action, ...rest] = argv;
  if (!ACTIONS.includes(action as Action)) throw new Error(`the first argument must be one of ${ACTIONS.join(', ')} (got "${action ?? ''}")`);
  const { values } = parseArgs({
    args: rest,
    options: {
      release: { type: 'string', default: process.env.TODO_RELEASE ?? 'todo' },
      namespace: { type: 'string', default: process.env.TODO_NAMESPACE ?? 'todo' },
      context: { type: 'string' },
      profile: { type: 'string' },
      revision: { type: 'string' },
      tail: { type: 'string', default: '100' },
      purge: { type: 'boolean', default: false },
      minikube: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const options: ClusterOptions = { release: values.release!, namespace: values.namespace!, kubeContext: values.context, profile: values.profile };
  return { action: action as Action, values, options };
}

/** The clients for these options: helm and kubectl from their settings, PATH or the workspace pins; minikube from PATH. */
export function toolsFor(o: ClusterOptions, print: (line: string) => void = console.log): Tools {
  let helm: Promise<Helm> | undefined;
  let kubectl: Promise<Kubectl> | undefined;
  return {
    helm: () => (helm ??= Helm.create({ workspaceRoot: root, kubeContext: o.kubeContext, namespace: o.namespace })),
    kubectl: () => (kubectl ??= Kubectl.create({ workspaceRoot: root, context: o.kubeContext })),
    minikube: () => new Minikube({ profile: o.profile }),
    print,
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const tools = toolsFor(optionsFor(argv));
  for (const { command, why, run } of stepsFor(argv)) {
    console.log(`\n# ${why}\n$ ${command.join(' ')}`);
    try {
      await run(tools);
    } catch (err) {
      if (!(err instanceof CommandError)) throw err;
      console.error(err.message);
      process.exit(err.exitCode || 1);
    }
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  });
}
